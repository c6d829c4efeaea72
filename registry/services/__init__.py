"""The service layer: the only code that writes. Views and the CLI call these."""

from __future__ import annotations

from dataclasses import dataclass

import pluggy

from registry.config import Config
from registry.db import Database
from registry.metrics import collect_metrics
from registry.plugins import build_plugin_manager
from registry.rubrics import collect_rubrics
from registry.search import SearchIndex, collect_concepts, collect_search_fields, open_index
from registry.services.accounts import AccountService
from registry.services.awards import AwardService
from registry.services.comparisons import ComparisonService
from registry.services.imports import ImportService
from registry.services.practices import PracticeService
from registry.services.stamp import ChangeStamp, Stamp
from registry.services.submissions import SubmissionService


@dataclass
class Registry:
    """Everything one running registry holds: config, database, plugins, index and services."""

    config: Config
    db: Database
    pm: pluggy.PluginManager
    search: SearchIndex
    practices: PracticeService
    imports: ImportService
    comparisons: ComparisonService
    awards: AwardService
    accounts: AccountService
    submissions: SubmissionService

    @classmethod
    def from_config(cls, config: Config, extra_plugins: tuple = ()) -> Registry:
        db = Database(config.db_url)
        pm = build_plugin_manager(config.blocked_plugins, extra_plugins)
        search = open_index(config, collect_search_fields(pm), concepts=collect_concepts(pm),
                            engine=db.engine)
        practices = PracticeService(db, pm, search,
                                    stamp=ChangeStamp.for_instance(config.instance_dir))
        importers = [imp for batch in pm.hook.registry_importers() for imp in batch]
        # Worker processes load the installed plugins only: with plugins passed in, stay single.
        imports = ImportService(practices, importers, config.max_document_bytes,
                                workers=1 if extra_plugins else config.import_workers,
                                config=config)
        comparisons = ComparisonService(practices, collect_metrics(pm))
        awards = AwardService(db, collect_rubrics(pm))
        return cls(config, db, pm, search, practices, imports, comparisons, awards,
                   AccountService(db), SubmissionService(db, practices, imports))

    def change_stamp(self) -> Stamp | None:
        """A value that changes after every committed write of practices, seen by every process
        sharing the instance folder (the page cache keys on it); None: nothing may be cached."""
        return self.practices.stamp.read()

    def init(self) -> None:
        """Create or upgrade the database schema (the index creates itself)."""
        self.db.upgrade()

    def close(self) -> None:
        self.search.close()
        self.db.dispose()
