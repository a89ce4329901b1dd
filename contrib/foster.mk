# foster.mk: test targets on a foster database, to include from your Makefile.
#
#     TEST_CMD = python3 -m pytest -q
#     include path/to/foster.mk
#
#     make test-with-db     provision, run $(TEST_CMD), tear down (however it ends)
#     make test-db-up       provision and keep it; the environment goes to $(FOSTER_ENV_FILE)
#     make test-db-down     tear down what test-db-up made
#     make schema-drift     the schema files against $(FOSTER_OWNER_URL): exit 1 on drift
#     make schema-snapshot  rewrite the schema files from $(FOSTER_OWNER_URL)
#
# Between test-db-up and test-db-down, load the environment into your shell
# with `. ./.foster.env` (DATABASE_URL, FOSTER_RUN_ID, ...) and run tests as
# often as you like; recipes can use `. $(FOSTER_ENV)`. Variables (set them before the include, or on make's
# command line):

# The foster program.
FOSTER ?= foster
# The manifest ($FOSTER_CONFIG in the environment is honoured too).
FOSTER_CONFIG ?= foster.ini
# Extra options for foster, e.g. -b cluster, -b postgres -u URL, -q.
FOSTER_FLAGS ?=
# The test command, run under `foster run --` (argv, not a shell line: wrap
# pipes or && in sh -c '...').
TEST_CMD ?= $(error foster.mk: set TEST_CMD to the command that runs your tests)
# Where test-db-up writes foster's environment (mode 0600: it may hold PGPASSWORD).
FOSTER_ENV_FILE ?= .foster.env

FOSTER_COMMAND = $(FOSTER) -c '$(FOSTER_CONFIG)' $(FOSTER_FLAGS)
# The environment file as a path `.` accepts (it searches PATH for a bare name).
FOSTER_ENV = '$(abspath $(FOSTER_ENV_FILE))'

.PHONY: test-with-db test-db-up test-db-down

test-with-db:
	$(FOSTER_COMMAND) run -- $(TEST_CMD)

test-db-up:
	@if [ -e '$(FOSTER_ENV_FILE)' ]; then \
	    echo "foster.mk: $(FOSTER_ENV_FILE) exists: a database is already up (make test-db-down first)" >&2; \
	    exit 1; \
	fi
	@umask 077 && $(FOSTER_COMMAND) up > '$(FOSTER_ENV_FILE).tmp' \
	    || { status=$$?; rm -f '$(FOSTER_ENV_FILE).tmp'; exit $$status; }
	@mv '$(FOSTER_ENV_FILE).tmp' '$(FOSTER_ENV_FILE)'
	@echo "foster.mk: test database up; load it with: . $(FOSTER_ENV)" >&2

# down prints unset lines for a shell's eval: not for make's output.
test-db-down:
	@if [ -e '$(FOSTER_ENV_FILE)' ]; then \
	    run_id=$$(sed -n "s/^export FOSTER_RUN_ID='\(.*\)'$$/\1/p" '$(FOSTER_ENV_FILE)'); \
	    $(FOSTER_COMMAND) down $$run_id >/dev/null && rm -f '$(FOSTER_ENV_FILE)'; \
	else \
	    $(FOSTER_COMMAND) down >/dev/null; \
	fi

# Schema drift (`make schema-drift`, `make schema-snapshot`): the schema files
# against the owner's live database, read with pg_dump in a read-only
# transaction; set FOSTER_OWNER_URL (a read-only role's URL) first.
FOSTER_OWNER_URL ?= $(error foster.mk: set FOSTER_OWNER_URL to the owner's database (read-only))

.PHONY: schema-drift schema-snapshot

# Fails (exit 1) when the schema files and the owner differ, listing each difference.
schema-drift:
	$(FOSTER_COMMAND) diff --against '$(FOSTER_OWNER_URL)'

# Rewrites the schema files from the owner (only those that change).
schema-snapshot:
	$(FOSTER_COMMAND) snapshot --from '$(FOSTER_OWNER_URL)'
