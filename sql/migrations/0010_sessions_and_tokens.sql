-- Sessions that end when an account changes, and API tokens that expire (src/Dashboard/Users, src/Dashboard/Auth).
-- A session cookie carries the user's security stamp and is refused at its next request once the stamp changed (a
-- new role, province or password, or the account disabled). Cookies issued before this migration carry no stamp and
-- are refused once, at the upgrade; users saved before it keep an empty stamp until their next change.

ALTER TABLE dashboard_users {on_cluster}
    ADD COLUMN IF NOT EXISTS security_stamp String DEFAULT '' COMMENT 'random; replaced on every change of role, province, password or disabled state';

-- Tokens issued before this migration expire 90 days after they were created (the new default), not never.
ALTER TABLE dashboard_tokens {on_cluster}
    ADD COLUMN IF NOT EXISTS expires_at DateTime64(3, 'UTC') DEFAULT created_at + INTERVAL 90 DAY
    COMMENT 'the token is refused from this time on';
