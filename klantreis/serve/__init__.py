"""Serving notebooks to browsers: Voila apps and JupyterLab, configured to work offline."""
