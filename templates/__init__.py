"""Files klantreis ships that are not Python: workshop templates (``workshops/``), Jupyter
templates and settings (``jupyter/``) and the printed materials' templates (``materials/``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def jupyter_data_dir() -> Path:
    """The folder that holds the klantreis nbconvert and Voila templates and JupyterLab's page
    settings (a Jupyter data and config directory)."""
    return Path(str(resources.files(__name__).joinpath("jupyter")))


def materials_dir() -> Path:
    """The folder of the printed materials' Jinja2 templates."""
    return Path(str(resources.files(__name__).joinpath("materials")))
