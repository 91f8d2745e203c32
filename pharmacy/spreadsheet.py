"""CSV exports are opened in spreadsheets: a cell that begins with =, +, -, @, a tab or a carriage return
would be read as a formula (CSV injection), so it is prefixed with a quote and shown as text."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    text = str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text
