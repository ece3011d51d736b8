"""Forms and panels (ipywidgets), installed as klantreis.widgets."""
