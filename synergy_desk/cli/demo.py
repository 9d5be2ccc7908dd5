"""``synergy-desk demo``: fill an empty (or just initialised) office with realistic demo data."""

from __future__ import annotations

import argparse

from synergy_desk.cli.common import Commands, ProgressBar, common_options, count_arg, open_office

__all__ = ["add_parser", "run"]


def add_parser(commands: Commands) -> None:
    """Add the ``demo`` command to the command line's sub-parsers."""
    p = commands.add_parser(
        "demo", parents=[common_options()],
        help="fill an empty office database with realistic demo data",
        description="Fill a new (or just initialised) office database with realistic "
                    "customers, contacts, incidents, calls, payments, season tickets and "
                    "contracts. By default a small office in a few seconds; --incidents and "
                    "--customers make it as big as you like (1,000,000 incidents take a few "
                    "minutes). Every demo user's password is printed at the end.")
    p.add_argument("--customers", metavar="N", type=count_arg, default=None,
                   help="how many customers (default 60, or one per ten incidents)")
    p.add_argument("--incidents", metavar="N", type=count_arg, default=None,
                   help="how many incidents (default 250)")
    p.add_argument("--timeline", metavar="N", type=count_arg, default=3,
                   help="timeline entries per incident (default 3)")
    p.add_argument("--seed", metavar="N", type=int, default=1,
                   help="the random seed: the same seed gives the same office (default 1)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Generate the demo office; returns the exit status."""
    from synergy_desk.demo import generator

    incidents = generator.SMALL_INCIDENTS if args.incidents is None else args.incidents
    if args.customers is not None:
        customers = args.customers
    elif args.incidents is None:
        customers = generator.SMALL_CUSTOMERS
    else:
        customers = max(1, incidents // 10)
    info = open_office(args)
    with ProgressBar() as bar:
        summary = generator.generate_demo(customers=customers, incidents=incidents,
                                          timeline_per_incident=args.timeline, seed=args.seed,
                                          progress=bar)
    print(f"Filled {info.display} in {summary.seconds:.1f} s: {summary.customers:,} customers, "
          f"{summary.incidents:,} incidents, {summary.timeline_entries:,} timeline entries, "
          f"{summary.payments:,} payments.")
    if summary.users:
        names = ", ".join(f"{u.username} ({u.role.value})" for u in summary.users)
        print(f"Demo users: {names}; each has the password “{summary.password}”.")
    return 0
