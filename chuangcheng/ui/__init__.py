"""Streamlit helpers shared by the pages: cached data access, settings, HTML widgets."""
