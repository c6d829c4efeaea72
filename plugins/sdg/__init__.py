"""SDG mapping plugin: SDG goals and targets for every record, with the words that justify them.

``mapper`` does the work and needs nothing from the registry; ``plugin`` is the pluggy side
(entry point ``sdg`` in group ``registry``). The lexicon is data under ``data/``.
"""
