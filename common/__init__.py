"""Plain Python shared by the Rasa side and the web service: no Flask, no Rasa, no service code."""
