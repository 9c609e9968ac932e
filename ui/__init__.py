"""Streamlit glue shared by the pages: the cached service context, the signed-in user, the
translator, and safe rendering of user text and errors. Pages stay thin; logic lives in dispute/."""
