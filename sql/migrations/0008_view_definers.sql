-- The analysts' views run with their definer's rights (SQL SECURITY DEFINER): the analyst user itself may read only
-- the v_* views, never the tables behind them. Stores created before the embedded engine had users of its own have
-- `default` as the definer, which is now limited to what the engine's start-up needs: hand each view to the user that
-- runs the migrations (the service user; on a server, whoever migrates).
ALTER TABLE v_dossiers {on_cluster} MODIFY SQL SECURITY DEFINER DEFINER = CURRENT_USER;
ALTER TABLE v_overdue_now {on_cluster} MODIFY SQL SECURITY DEFINER DEFINER = CURRENT_USER;
ALTER TABLE v_kpi_day {on_cluster} MODIFY SQL SECURITY DEFINER DEFINER = CURRENT_USER;
ALTER TABLE v_kpi_month {on_cluster} MODIFY SQL SECURITY DEFINER DEFINER = CURRENT_USER;
ALTER TABLE v_unknown_codes {on_cluster} MODIFY SQL SECURITY DEFINER DEFINER = CURRENT_USER;
ALTER TABLE v_incomplete_dossiers {on_cluster} MODIFY SQL SECURITY DEFINER DEFINER = CURRENT_USER;
ALTER TABLE v_feedback {on_cluster} MODIFY SQL SECURITY DEFINER DEFINER = CURRENT_USER;
ALTER TABLE v_tasks {on_cluster} MODIFY SQL SECURITY DEFINER DEFINER = CURRENT_USER;
ALTER TABLE v_targets {on_cluster} MODIFY SQL SECURITY DEFINER DEFINER = CURRENT_USER;
