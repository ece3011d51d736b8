"""klantreis: a Jupyter-based workshop kit for customer journey mapping."""

__version__ = "0.1.0"
