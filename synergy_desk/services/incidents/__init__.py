"""Incidents from the first call to their resolution, one module per stage.

``intake`` logs calls and opens incidents; ``work`` assigns them and starts work once they are
funded; ``reshape`` splits and merges them; ``closing`` resolves, closes and re-opens them;
``detail`` reads one for the detail pane. ``fields`` says what each field may hold and
``changes`` holds what every change shares.
"""

__all__: list[str] = []
