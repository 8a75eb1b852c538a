"""SurveyMonkey survey exports (`adapter.py`; shared helpers in
dagster_project/adapters/survey_*.py). docs/surveys.md.
"""
