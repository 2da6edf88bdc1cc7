"""The command line: ``mentor-desk [--db PATH] VERB ...``; no verb opens the window.

Errors print one line starting ``error:`` on stderr (a document's problems
follow, one a line) and exit 2, having written nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from mentor_desk import __version__, paths
from mentor_desk.errors import DocumentError, KnownError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(KnownError):
    """Bad arguments on the command line."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as ``error:`` and exit 2, like every error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see {self.prog} --help)")


def _date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date of the form YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mentor-desk",
        description=(
            "Mentor Desk: build a management mentoring program in five steps -- business case, "
            "buy-in, leaders, design, launch -- kept in one local SQLite file. "
            "Without a command, opens the window."
        ),
        epilog=(
            "PROGRAM is a program's id or exact name (see `list`). The file is --db PATH, else "
            f"${paths.DB_ENV}, else mentor-desk.db in your data folder. Errors print one line "
            "starting 'error:' and exit 2."
        ),
    )
    parser.add_argument("--db", metavar="PATH", help="the program file to use")
    parser.add_argument("--version", action="version", version=f"mentor-desk {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="COMMAND", parser_class=_Parser)

    def verb(
        name: str, help_text: str, handler: Callable[[argparse.Namespace], int]
    ) -> argparse.ArgumentParser:
        sub = verbs.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    verb("list", "list the programs: id, name, organization (tab-separated)", _cmd_list)

    sub = verb("import", "add a program from a program document (JSON); prints its id", _cmd_import)
    sub.add_argument("file", metavar="FILE.json", help="the program document")
    sub.add_argument("--rename", metavar="NAME", help="store the program under this name instead")

    sub = verb("dump", "write a program as a program document (JSON)", _cmd_dump)
    sub.add_argument("program", metavar="PROGRAM")
    sub.add_argument(
        "-o", "--output", metavar="FILE.json", help="write to a file instead of stdout"
    )

    verb("demo", "load the example program (Northwind Components)", _cmd_demo)

    sub = verb(
        "check",
        "check a program against the method's rules; exit 1 when any error-level finding",
        _cmd_check,
    )
    sub.add_argument("program", metavar="PROGRAM")
    sub.add_argument("--today", type=_date_arg, metavar="YYYY-MM-DD", help="check as of this date")
    sub.add_argument("--json", action="store_true", help="print the findings as JSON")

    def paper(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--paper", choices=("a4", "letter"), default="a4", help="paper size (default a4)"
        )

    sub = verb("pitch", "print the pitch packet (PDF) that wins the boss and the peers", _cmd_pitch)
    sub.add_argument("program", metavar="PROGRAM")
    sub.add_argument("-o", "--output", metavar="FILE.pdf", required=True)
    sub.add_argument(
        "--for", dest="for_", metavar="STAKEHOLDER", help="prepare it for this stakeholder"
    )
    paper(sub)

    sub = verb("stakeholders", "print the stakeholder map (PDF, internal)", _cmd_stakeholders)
    sub.add_argument("program", metavar="PROGRAM")
    sub.add_argument("-o", "--output", metavar="FILE.pdf", required=True)
    paper(sub)

    sub = verb("report", "print the progress report (PDF)", _cmd_report)
    sub.add_argument("program", metavar="PROGRAM")
    sub.add_argument("-o", "--output", metavar="FILE.pdf", required=True)
    sub.add_argument("--today", type=_date_arg, metavar="YYYY-MM-DD", help="report as of this date")
    paper(sub)

    sub = verb(
        "participants",
        "participants and pairs as CSV (from an HR export, and back out)",
        _no_action,
    )
    actions = sub.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    act = actions.add_parser(
        "import",
        help="add or update participants from a CSV file",
        description="add or update participants from a CSV file (matched by e-mail, else by name)",
    )
    act.set_defaults(handler=_cmd_participants_import)
    act.add_argument("program", metavar="PROGRAM")
    act.add_argument("file", metavar="FILE.csv")
    act = actions.add_parser(
        "export",
        help="write participants and their pairs as CSV",
        description="write participants and their pairs as CSV (UTF-8 with BOM)",
    )
    act.set_defaults(handler=_cmd_participants_export)
    act.add_argument("program", metavar="PROGRAM")
    act.add_argument("-o", "--output", metavar="FILE.csv", required=True)

    sub = verb("calendar", "write the plan's dates as an iCalendar file", _cmd_calendar)
    sub.add_argument("program", metavar="PROGRAM")
    sub.add_argument("-o", "--output", metavar="FILE.ics", required=True)

    sub = verb(
        "match",
        "propose mentor-mentee pairs: mentor, mentee, score, reasons (tab-separated)",
        _cmd_match,
    )
    sub.add_argument("program", metavar="PROGRAM")
    sub.add_argument(
        "--apply", action="store_true", help="store the proposals as pairs with status proposed"
    )
    return parser


def _open(args: argparse.Namespace, *, readonly: bool = False):  # noqa: ANN202
    """Open to write (a verb that changes the file): a read-only file is refused, saying so."""
    from mentor_desk import services
    from mentor_desk.errors import DatabaseReadOnlyError

    path = paths.resolve_db_path(args.db)
    try:
        return _warn_backup(services.open_file(path, readonly=readonly))
    except DatabaseReadOnlyError:
        verb = " ".join(filter(None, [args.verb, getattr(args, "action", None)]))
        raise DatabaseReadOnlyError(
            f"{path} is read-only, so `{verb}` cannot change it; nothing was changed "
            "(the reading commands list, dump, check, pitch, stakeholders, report, "
            "participants export, calendar and match without --apply still work)"
        ) from None


def _open_for_reading(args: argparse.Namespace):  # noqa: ANN202
    """Open to read: read-only when the file is marked so or another process writes it."""
    from mentor_desk import services
    from mentor_desk.errors import DatabaseInUseError, DatabaseReadOnlyError

    path = paths.resolve_db_path(args.db)
    try:
        return _warn_backup(services.open_file(path))
    except (DatabaseInUseError, DatabaseReadOnlyError):
        return services.open_file(path, readonly=True)


def _warn_backup(pf):  # noqa: ANN001, ANN202
    """Say on stderr that the daily backup failed (the command goes on)."""
    if pf.backup_problem:
        print(f"warning: {pf.backup_problem}; the command goes on", file=sys.stderr)
    return pf


def _write_output(output: str | None, text: str) -> None:
    from mentor_desk import services

    if output:
        services.write_atomically(Path(output), text.encode("utf-8"))
    else:
        sys.stdout.write(text)


def _cmd_list(args: argparse.Namespace) -> int:
    from mentor_desk import services

    with _open_for_reading(args) as pf:
        for p in services.list_programs(pf):
            print(f"{p.id}\t{_one_line(p.name)}\t{_one_line(p.organization)}")
    return EXIT_OK


def _one_line(text: str) -> str:
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _cmd_import(args: argparse.Namespace) -> int:
    from mentor_desk import services

    with _open(args) as pf:
        program_id = services.import_file(pf, path=Path(args.file), rename=args.rename)
    print(program_id)
    return EXIT_OK


def _cmd_dump(args: argparse.Namespace) -> int:
    from mentor_desk import services

    with _open_for_reading(args) as pf:
        text = services.dump_program(pf, ref=args.program)
    _write_output(args.output, text)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from mentor_desk import services

    with _open(args) as pf:
        program_id = services.load_demo(pf)
    print(program_id)
    return EXIT_OK


def _no_action(args: argparse.Namespace) -> int:
    raise UsageError(f"{args.verb} needs an action (see mentor-desk {args.verb} --help)")


def _cmd_check(args: argparse.Namespace) -> int:
    from mentor_desk import checkreport, services
    from mentor_desk.domain import rules

    with _open_for_reading(args) as pf:
        program = services.load_program(pf, args.program)
    today = args.today or dt.date.today()  # the clock is read here, never inside a rule
    findings = rules.check(program, today)
    render = checkreport.as_json if args.json else checkreport.as_text
    sys.stdout.write(render(program, today, findings))
    return EXIT_FINDINGS if checkreport.has_errors(findings) else EXIT_OK


def _cmd_pitch(args: argparse.Namespace) -> int:
    return _export(args, "pitch", prepared_for=args.for_)


def _cmd_stakeholders(args: argparse.Namespace) -> int:
    return _export(args, "stakeholders")


def _cmd_report(args: argparse.Namespace) -> int:
    return _export(args, "report", today=args.today)


def _export(
    args: argparse.Namespace, kind: str, *, today: dt.date | None = None, **options: object
) -> int:
    """Write one PDF document; the date is today's unless --today says otherwise."""
    from mentor_desk import services

    with _open_for_reading(args) as pf:
        services.export_document(
            pf, program=args.program, kind=kind, path=Path(args.output),
            today=today or dt.date.today(), paper=args.paper, **options,  # type: ignore[arg-type]
        )  # fmt: skip
    return EXIT_OK


def _cmd_participants_import(args: argparse.Namespace) -> int:
    from mentor_desk import participants_csv, services

    # COLUMN=FIELD overrides, when the parser offers them (--map, repeatable).
    try:
        mapping = participants_csv.parse_mapping_args(getattr(args, "map", None) or [])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    with _open(args) as pf:
        program = services.find_program(pf, args.program)
        result = services.import_participants_csv(
            pf, program_id=program.id, path=Path(args.file), mapping=mapping or None
        )
    print(
        f"added {result.added}, updated {result.updated} "
        f"({result.encoding}, {result.delimiter_name})"
    )
    return EXIT_OK


def _cmd_participants_export(args: argparse.Namespace) -> int:
    from mentor_desk import services

    with _open_for_reading(args) as pf:
        program = services.find_program(pf, args.program)
        services.export_participants_csv(pf, program_id=program.id, path=Path(args.output))
    return EXIT_OK


def _cmd_calendar(args: argparse.Namespace) -> int:
    from mentor_desk import services

    with _open_for_reading(args) as pf:
        program = services.find_program(pf, args.program)
        services.export_calendar(pf, program_id=program.id, path=Path(args.output))
    return EXIT_OK


def _cmd_match(args: argparse.Namespace) -> int:
    """Proposals on stdout, one a line; unmatched mentees follow as lines starting '#'."""
    from mentor_desk import services

    opener = _open if args.apply else _open_for_reading
    with opener(args) as pf:
        program = services.find_program(pf, args.program)
        result = services.propose_pairs(pf, program_id=program.id, today=dt.date.today())
        if args.apply:
            services.accept_proposals(pf, program_id=program.id, proposals=result.proposals)
    for p in result.proposals:
        print(
            f"{_one_line(p.mentor)}\t{_one_line(p.mentee)}\t{p.score}\t{_one_line(p.reason_text)}"
        )
    for u in result.unmatched:
        print(f"# unmatched\t{_one_line(u.mentee)}\t{_one_line(u.reason)}")
    if args.apply:
        print(f"# stored {len(result.proposals)} pair(s) with status proposed")
    return EXIT_OK


def _recovery_hint(argv: list[str], exc: KnownError) -> str | None:
    """For a damaged program file with backups: the newest that passes the integrity check."""
    from mentor_desk.errors import DatabaseFileError, DatabaseInUseError, DatabaseReadOnlyError

    if not isinstance(exc, DatabaseFileError) or isinstance(
        exc, (DatabaseInUseError, DatabaseReadOnlyError)
    ):
        return None
    from mentor_desk import services

    try:
        db = build_parser().parse_known_args(argv)[0].db
    except KnownError:
        return None
    path = paths.resolve_db_path(db)
    if services.damage(path) is None:
        return None
    if not services.list_backups(path):
        return None
    good = services.newest_good_backup(path)
    if good is None:
        return "no backup of it passes the integrity check"
    return (
        f"its newest backup that passes the integrity check is {good.path} "
        f"({good.taken:%Y-%m-%d %H:%M}, {good.why}); open the file in the window "
        "(mentor-desk without a command) to move the damaged file aside and restore it"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        if args.verb is None:
            from mentor_desk import app

            return app.run_gui(args.db)
        return args.handler(args)
    except DocumentError as exc:
        print(f"error: {exc.summary}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_ERROR
    except KnownError as exc:
        hint = _recovery_hint(argv, exc)
        print(f"error: {exc}" + (f"; {hint}" if hint else ""), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted; nothing was written", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
