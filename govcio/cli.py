"""The ``govcio`` console command: a thin wrapper over the management commands.

govcio run [--host H] [--port P]   migrate, load the demo into an empty database, serve with gunicorn
govcio demo --scale county --seed 1
govcio worker                      run background tasks (database backend; imports among them)
govcio createadmin                 create the first system, security and audit administrators
govcio units                       print the organisation tree with codes
govcio users add NAME --role R [--role R2] --unit CODE [--subtree] --password-stdin
govcio roles check                 list users who break the separation of the three administrators
govcio token USERNAME [--name L]   create a new API token and print it once (it is stored hashed)
govcio audit verify [--expect-head SEQ:HASH]
                                   verify the keyed chain and hold it against its anchors
govcio audit head                  print the head (SEQ:HASH) for anchoring elsewhere
govcio audit anchor                write the day's head to the anchor file and the log (daily; idempotent)
govcio audit purge --before DATE   delete audit records older than a date (never younger than 180 days)
govcio search rebuild              recompute the search index
govcio graph build                 build the impact graph now (the worker builds it after every change of links)
govcio rollups rebuild             count the per-unit figures again (after data written behind the services)
govcio rollups check               compare the per-unit figures with a full count
govcio ranking compute             weigh the fusion ranking now (a background task does it after writes)
govcio findings import FILE --system CODE --user NAME [--format auto|openvas|nessus|csv] [--mapping NAME]
                                   import a vulnerability scanner's export into a system's findings
govcio cleanup                     delete staged import files a day old (run daily)
govcio import MODEL FILE [--update] --user NAME
                                   import a table as its page would (MODEL as in the page's address, e.g. systems);
                                   prints "N created, M updated, K unchanged, J skipped"
                                   (the commands that import or export act as --user NAME, default $GOVCIO_USER)
govcio <any management command>
"""

import os
import sys

ALIASES = {
    ("audit", "verify"): ["audit", "verify"],
    ("audit", "head"): ["audit", "head"],
    ("search", "rebuild"): ["search_rebuild"],
    ("users", "add"): ["users_add"],
    ("roles", "check"): ["roles_check"],
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcio.settings.default")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    if len(argv) >= 2 and (argv[0], argv[1]) in ALIASES:
        argv = ALIASES[(argv[0], argv[1])] + argv[2:]
    elif argv[0] == "run":
        argv = ["serve", *argv[1:]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["govcio", *argv])


if __name__ == "__main__":
    main()
