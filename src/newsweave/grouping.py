"""A store's stories kept up to date: one object that loads, adds, saves and rebuilds.

Ingest, recluster and batch runs all go through :class:`GroupingSession`, so
when a saved grouping can be continued, and when it must be rebuilt (another
version of the grouper, other settings, a late article), is decided here only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from newsweave.cluster import Embedder, GroupingConfig, StoryGrouper
from newsweave.cluster.grouper import STATE_VERSION, StateError
from newsweave.errors import GroupingConflictError
from newsweave.models import Story, sort_time
from newsweave.store import Store

logger = logging.getLogger(__name__)

#: Tries before a run that keeps losing the race to save its grouping gives up.
_TRIES = 5


@dataclass
class GroupingSession:
    """The stories of ``store``, grouped with ``config`` and ``embedder`` (``None``: the
    defaults, TF-IDF alone); a saved grouping made otherwise is rebuilt, never continued."""

    store: Store
    config: GroupingConfig | None = None
    embedder: Embedder | None = None

    def update(self) -> list[Story]:
        """Add the stored articles in no story yet to the stories; the stories rewritten.

        Continues from the saved grouper state; with none (a new store, or one
        grouped before states were kept), or one saved by another version or
        under other settings, rebuilds everything instead (:meth:`rebuild`).
        When another run saves a state while this one groups, this one starts
        again from that state.
        """
        for _ in range(_TRIES - 1):
            try:
                return self._update_once()
            except GroupingConflictError:
                logger.info("the stories changed while grouping; grouping again")
        return self._update_once()

    def rebuild(self, *, since: datetime | None = None) -> list[Story]:
        """Rebuild the stories of the stored articles (those published since ``since``).

        The grouper's state is rewritten with them, so later updates continue
        from it; after a rebuild ``since`` a date, older stories are left as they
        are and out of the state (they are long dormant when ``since`` is days back).
        """
        articles = list(self.store.articles(since=since))
        grouper = StoryGrouper(self.config, self.embedder)
        for article in articles:  # the store gives them in publication order
            grouper.add(article)
        stories = grouper.stories()
        ids = None if since is None else [a.id for a in articles]
        self.store.save_grouping(stories, grouper.state(), STATE_VERSION, article_ids=ids)
        return stories

    def adopt(self, grouper: StoryGrouper, articles: int) -> None:
        """Save the stories of a grouper that has seen ``articles`` articles elsewhere
        (a batch run's), or bring the store's stories up to date when it cannot be
        taken as it is.

        Taken as it is when the store holds exactly those articles and no
        grouping yet: what :meth:`rebuild` would write, without reading every
        article back. Otherwise (other articles too, or stories already written
        by an earlier run) :meth:`update`, whose grouper must then have been
        made with this session's settings.
        """
        if self.store.grouper_state() is None and self.store.stats()["articles"] == articles:
            self.store.save_grouping(
                grouper.stories(), grouper.state(), STATE_VERSION, article_ids=None
            )
        else:
            self.update()

    def _update_once(self) -> list[Story]:
        new = list(self.store.ungrouped_articles())
        if not new:
            return []
        saved = self.store.grouper_state()
        if saved is None or saved[0] != STATE_VERSION:
            return self.rebuild()
        try:
            grouper = StoryGrouper.from_state(saved[1], self.config, self.embedder)
        except StateError:
            return self.rebuild()
        horizon = grouper.horizon
        if horizon is not None and any(sort_time(a.published) < horizon for a in new):
            # A late article whose stories have gone dormant: only a rebuild in
            # publication order places it as if it had come on time.
            return self.rebuild()
        for article in new:
            grouper.add(article)
        # Stories merged away lose all their articles to the survivors written
        # here, and the store drops stories left empty.
        touched = grouper.touched()
        self.store.save_grouping(touched, grouper.state(), STATE_VERSION, based_on=saved[1])
        return touched
