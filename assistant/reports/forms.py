"""The period selector of the reports page (GET: it changes nothing, so no CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional, Regexp

KINDS = [("fiscal_year", "Fiscal year"), ("quarter", "Quarter of the fiscal year"),
         ("month", "Month"), ("range", "Custom range")]


class PeriodForm(FlaskForm):
    """Which period to report; dates are Bangkok days."""

    class Meta:
        """A GET form: no CSRF token in the URL."""

        csrf = False

    kind = SelectField("Period", choices=KINDS, default="fiscal_year")
    fiscal_year = IntegerField("Fiscal year (B.E.)", validators=[
        Optional(), NumberRange(min=2500, max=2700, message="a B.E. year such as 2568")])
    quarter = SelectField("Quarter", choices=[("1", "Q1 (Oct–Dec)"), ("2", "Q2 (Jan–Mar)"),
                                              ("3", "Q3 (Apr–Jun)"), ("4", "Q4 (Jul–Sep)")],
                          default="1")
    month = StringField("Month", validators=[
        Optional(), Regexp(r"^\d{4}-\d{2}$", message="YYYY-MM")])
    first = DateField("From", validators=[Optional()])
    last = DateField("To", validators=[Optional()])
    thai_digits = BooleanField("Thai digits in the Thai summary")
