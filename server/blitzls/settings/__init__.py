"""Settings: what can be configured, from where, and where it leads.

- :mod:`.options`   kinds of values and the converter for each (pure)
- :mod:`.providers` provider presets and endpoint constants
- :mod:`.schema`    :class:`Settings`, the one schema: kind, default, environment variable,
                    description and project-file rule of every setting (a frozen value)
- :mod:`.layers`    defaults < preset < environment < … : laying sources over each other
                    with origins, and the problems named by key and source
- :mod:`.project`   the project file and what it may set (the trust boundary)
- :mod:`.keys`, :mod:`.paths`, :mod:`.endpoint`   lookups outside the value: the API key,
                    the cache directory, whether the embedded model answers

``blitzls.config`` re-exports the names the rest of blitzls uses.
"""
