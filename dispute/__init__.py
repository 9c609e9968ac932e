"""Dispute portal domain: records, storage, workflow, export. Knows nothing of Streamlit."""
