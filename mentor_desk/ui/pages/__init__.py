"""The five step pages of the window, one module each, built on ``pages.base.StepPage``."""
