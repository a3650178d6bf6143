"""The render path, one step a module: an article's markers → numbers → a style's references
→ a template's page. `compose.render_article` runs them in order.

Nothing is imported here: `citations` exports the public names, and a command that only
reads articles (`links` scans them for URLs) does not load the templates and styles.
"""
