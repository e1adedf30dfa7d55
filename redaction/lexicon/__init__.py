"""Word lists the recognizers share: first names, common words, brands, street types.

Lists that come from a package are loaded once, on first use, and cached; the small curated
lists live here as frozensets so that a reviewer can read them.
"""
