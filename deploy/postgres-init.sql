-- SupportDesk: roles, database ownership and pgvector for the `postgres` service.
--
-- Mounted into /docker-entrypoint-initdb.d/ by docker-compose.yml. The postgres image runs it ONCE,
-- as the superuser, connected to $POSTGRES_DB, when the data volume is empty:
--   psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc \
--        --dbname "$POSTGRES_DB" -f this-file
-- It mirrors supportdesk/embedded.py bootstrap_postgres() + prepare_database_for_roles():
--   supportdesk_owner  NOSUPERUSER NOBYPASSRLS CREATEDB: owns the database, runs `migrate`;
--   supportdesk_app    NOSUPERUSER NOBYPASSRLS: what Daphne and Celery log in as. Every tenant table
--                      has FORCE ROW LEVEL SECURITY, so both roles are subject to the policies.
-- Passwords come from the postgres service's environment (never from this file). Changing them later
-- needs ALTER ROLE ... PASSWORD by hand: this script does not run again on an initialised volume.

\set ON_ERROR_STOP on

\getenv db POSTGRES_DB
\getenv owner_password SUPPORTDESK_OWNER_DB_PASSWORD
\getenv app_password SUPPORTDESK_APP_DB_PASSWORD

\if :{?db}
\else
  DO $$ BEGIN RAISE EXCEPTION 'POSTGRES_DB is not set in the postgres service environment'; END $$;
\endif
\if :{?owner_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'SUPPORTDESK_OWNER_DB_PASSWORD is not set in the postgres service environment'; END $$;
\endif
\if :{?app_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'SUPPORTDESK_APP_DB_PASSWORD is not set in the postgres service environment'; END $$;
\endif

SELECT length(:'owner_password') < 16 AS owner_password_weak,
       length(:'app_password') < 16 AS app_password_weak,
       :'owner_password' = :'app_password' AS passwords_equal
\gset
\if :owner_password_weak
  DO $$ BEGIN RAISE EXCEPTION 'SUPPORTDESK_OWNER_DB_PASSWORD must be at least 16 characters'; END $$;
\endif
\if :app_password_weak
  DO $$ BEGIN RAISE EXCEPTION 'SUPPORTDESK_APP_DB_PASSWORD must be at least 16 characters'; END $$;
\endif
\if :passwords_equal
  DO $$ BEGIN RAISE EXCEPTION 'SUPPORTDESK_OWNER_DB_PASSWORD and SUPPORTDESK_APP_DB_PASSWORD must differ'; END $$;
\endif

CREATE ROLE supportdesk_owner
    LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB NOCREATEROLE NOREPLICATION
    PASSWORD :'owner_password';
CREATE ROLE supportdesk_app
    LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION
    PASSWORD :'app_password';

ALTER DATABASE :"db" OWNER TO supportdesk_owner;

-- template1 too, so every database the owner creates (e.g. a test database) inherits pgvector and
-- the runtime grants, as in bootstrap_postgres().
\connect template1
CREATE EXTENSION IF NOT EXISTS vector;
GRANT USAGE ON SCHEMA public TO supportdesk_app;
ALTER DEFAULT PRIVILEGES FOR ROLE supportdesk_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES ON TABLES TO supportdesk_app;
ALTER DEFAULT PRIVILEGES FOR ROLE supportdesk_owner IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO supportdesk_app;

\connect :"db"
CREATE EXTENSION IF NOT EXISTS vector;
GRANT USAGE ON SCHEMA public TO supportdesk_app;
ALTER DEFAULT PRIVILEGES FOR ROLE supportdesk_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES ON TABLES TO supportdesk_app;
ALTER DEFAULT PRIVILEGES FOR ROLE supportdesk_owner IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO supportdesk_app;
