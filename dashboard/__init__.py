"""Streamlit dashboard of NIAP progress reports (run ``streamlit run dashboard/app.py``)."""
