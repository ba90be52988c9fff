-- A source system's key is bound to the provinces it serves (reform sources add NAME --province C,... or
-- --all-provinces): POST /api/events then rejects, row by row, events of dossiers of other provinces. A key added
-- before this migration has neither and is refused (403) until it is added again with its provinces.

ALTER TABLE api_sources {on_cluster}
    ADD COLUMN IF NOT EXISTS provinces Array(LowCardinality(String)) DEFAULT []
    COMMENT '2025 province codes the source may write events for';

ALTER TABLE api_sources {on_cluster}
    ADD COLUMN IF NOT EXISTS all_provinces Bool DEFAULT false
    COMMENT 'a national source: it may write events for every province';

ALTER TABLE quarantine {on_cluster}
    COMMENT COLUMN raw 'the row as received, cut to Intake:MaxRawChars characters (4,096 by default) with a mark giving its length';
