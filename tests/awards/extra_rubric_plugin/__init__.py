"""A rubric plugin that lives outside ``registry/`` and ``plugins/``, as a third party's would."""
