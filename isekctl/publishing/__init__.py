"""Publishing: report views, charts, the Jinja environment, German formatting, the
Synopse, open-data export and JSON Schemas."""
