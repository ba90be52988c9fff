-- Dashboard users, their API tokens, and the audit log of logins and exports (src/Dashboard/Users). A user row is
-- replaced by a newer version of itself (failed logins, lockout, a new password); read with FINAL.

CREATE TABLE IF NOT EXISTS dashboard_users {on_cluster}
(
    name String COMMENT 'login name, lower-case',
    role Enum8('national' = 1, 'province' = 2, 'reporter' = 3, 'analyst' = 4, 'admin' = 5),
    province_code LowCardinality(String) COMMENT 'for province viewers and report officers: a 2025 province code; else empty',
    password_hash String COMMENT 'ASP.NET Core Identity PasswordHasher v3 (PBKDF2-HMAC-SHA512)',
    failed_logins UInt16 COMMENT 'consecutive failures since the last success',
    locked_until Nullable(DateTime64(3, 'UTC')),
    disabled Bool DEFAULT false,
    created_at DateTime64(3, 'UTC'),
    version DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = {replicated}ReplacingMergeTree(version)
ORDER BY name;

CREATE TABLE IF NOT EXISTS dashboard_tokens {on_cluster}
(
    token_hash FixedString(64) COMMENT 'SHA-256 of the token, hex; the token itself is shown once and never stored',
    user_name String,
    label String,
    created_at DateTime64(3, 'UTC'),
    revoked_at Nullable(DateTime64(3, 'UTC')),
    version DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = {replicated}ReplacingMergeTree(version)
ORDER BY token_hash;

CREATE TABLE IF NOT EXISTS audit_log {on_cluster}
(
    at DateTime64(3, 'UTC'),
    user_name String,
    action LowCardinality(String) COMMENT 'login, login_failed, locked_out, logout, export, token_created, user_saved',
    detail String,
    remote String COMMENT 'client address'
)
ENGINE = {replicated}MergeTree
ORDER BY at;
