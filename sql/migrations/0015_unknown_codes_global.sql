-- On a cluster dossier_state is a Distributed table: a plain IN subquery in its WHERE runs on every shard against that
-- node's copy of the reference tables, and agencies are loaded on the service's node only, so every agency code read on
-- another shard was listed as unknown (and an analyst was refused, the remote part needing rights on the reference
-- tables). GLOBAL reads the reference tables once, where the view is asked, and sends them with the query; on one node it
-- is the same IN.
CREATE OR REPLACE VIEW v_unknown_codes {on_cluster}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT kind, code, count() AS dossiers, min(received_at) AS first_received, max(received_at) AS last_received
FROM
(
    SELECT 'province' AS kind, toString(province_code) AS code, received_at FROM dossier_state
    WHERE has_received AND (recorded_geo, toString(province_code)) GLOBAL NOT IN (SELECT geo, toString(code) FROM provinces)
    UNION ALL
    SELECT 'sector', toString(sector_code), received_at FROM dossier_state
    WHERE has_received AND toString(sector_code) GLOBAL NOT IN (SELECT toString(code) FROM sectors)
    UNION ALL
    SELECT 'procedure', toString(procedure_code), received_at FROM dossier_state
    WHERE has_received AND toString(procedure_code) GLOBAL NOT IN (SELECT toString(code) FROM procedures)
    UNION ALL
    SELECT 'agency', toString(agency_code), received_at FROM dossier_state
    WHERE has_received AND toString(agency_code) GLOBAL NOT IN (SELECT toString(code) FROM agencies)
)
GROUP BY kind, code
ORDER BY kind, dossiers DESC, code;
