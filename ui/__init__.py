"""Streamlit helpers shared by app.py and the pages: settings, session state, guard, sidebar."""
