"""Trainers improve the assistant from real conversations: review, annotate, retrain, gate."""
