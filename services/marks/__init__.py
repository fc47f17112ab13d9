"""Marks: marking a lesson, quick marks, period (final) marks, mark read models, the class
journal grid and charts."""
