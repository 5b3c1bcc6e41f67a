"""The registry's Streamlit side: the shared connection, the Registry page's panels."""
