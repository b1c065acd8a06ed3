"""Mutation testing: how many small bugs planted in the code do the tests catch?

For each target module, every place where a small, plausible bug can be planted is listed
(a comparison turned around or made strict, + for -, * for /, and for or, `is` for
`is not`, a number off by one, True for False, a NULL check negated). A deterministic
sample of them is then planted one at a time in a scratch copy of the repository, and
the target's tests run against the copy: a failing run kills the mutant, a passing run
means it survived, which points at behaviour no test pins down. The score is killed /
planted.

It is never part of the test suite: it runs the tests once per mutant and takes minutes.
A mutant that runs longer than --timeout counts as killed (it hung). It uses mutmut's idea,
not mutmut: mutmut 3 rewrites every function into a trampoline, which the formula
library's module-level registrations and lambdas do not fit.

    .venv/bin/python bench/mutation.py                      # both targets, 40 mutants each
    .venv/bin/python bench/mutation.py --target formula --mutants 100 --budget 1800
    .venv/bin/python bench/mutation.py --list               # count the mutation sites only

PostgreSQL is used when TESSERA_TEST_POSTGRES_URL is set (slower); by default the tests run
on SQLite. Survivors are printed with their place and the change.
"""
from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: name -> (source files, test files run against each mutant, fastest-failing first)
TARGETS = {
    "formula": (sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tessera/formula/functions").glob("*.py")
                       if p.name != "__init__.py"),
                ["tests/formula/test_functions.py", "tests/formula/test_errors.py", "tests/formula/test_api.py",
                 "tests/formula/test_semantics.py", "tests/formula/test_rounding.py",
                 "tests/formula/test_numeric_limits.py", "tests/formula/test_differential.py"]),
    "access": (["tessera/runtime/access/visibility.py"],
               ["tests/identity/test_record_sharing.py", "tests/identity/test_lookup_record_access.py",
                "tests/identity/test_export_access.py", "tests/identity/test_ownership.py",
                "tests/identity/test_context.py"]),
}

SWAPS = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In,
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv, ast.And: ast.Or, ast.Or: ast.And,
}


@dataclass(frozen=True)
class Mutant:
    """One planted change: the n-th mutation site of a file, by walk order."""

    path: str
    index: int
    line: int
    change: str


def _sites(tree: ast.AST):
    """(node, field, describe, apply) for every mutable place, in a stable walk order."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in SWAPS:
                    yield node, ("ops", i), type(op).__name__, SWAPS[type(op)]
        elif isinstance(node, (ast.BinOp, ast.BoolOp)) and type(node.op) in SWAPS:
            yield node, ("op", None), type(node.op).__name__, SWAPS[type(node.op)]
        elif isinstance(node, ast.Constant) and type(node.value) in (int, bool):
            yield node, ("value", None), repr(node.value), None
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, ("not", None), "not", None


def _apply(node, where, new_op):
    """Plant the change at `where` in `node`; return how it reads."""
    field, i = where
    if field == "ops":
        old = node.ops[i]
        node.ops[i] = new_op()
        return f"{type(old).__name__} -> {new_op.__name__}"
    if field == "op":
        old = node.op
        node.op = new_op()
        return f"{type(old).__name__} -> {new_op.__name__}"
    if field == "value":
        old = node.value
        node.value = (not old) if isinstance(old, bool) else old + 1
        return f"{old!r} -> {node.value!r}"
    raise ValueError(field)


class _DropNot(ast.NodeTransformer):
    def __init__(self, target):
        self.target = target

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        return node.operand if node is self.target else node


def mutants_of(path: str) -> list[Mutant]:
    """Every mutation site of the file at `path` (relative to the repository)."""
    tree = ast.parse((ROOT / path).read_text())
    return [Mutant(path, n, getattr(node, "lineno", 0), f"{kind}")
            for n, (node, _where, kind, _new) in enumerate(_sites(tree))]


def mutated_source(mutant: Mutant) -> tuple[str, str]:
    """The file's source with `mutant` planted, and the change in words."""
    tree = ast.parse((ROOT / mutant.path).read_text())
    node, where, _kind, new_op = list(_sites(tree))[mutant.index]
    if where[0] == "not":
        tree = _DropNot(node).visit(tree)
        change = "not x -> x"
    else:
        change = _apply(node, where, new_op)
    return ast.unparse(ast.fix_missing_locations(tree)), change


def scratch_copy() -> Path:
    """A copy of the repository's code and tests to plant mutants in."""
    folder = Path(tempfile.mkdtemp(prefix="tessera-mutation-"))
    for name in ("tessera", "tests", "pyproject.toml"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, folder / name)
    return folder


def run_tests(copy: Path, tests: list[str], timeout: float) -> str:
    """'killed', 'survived' or 'timeout' for the tests run in `copy` (its tessera imported)."""
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("TESSERA_REQUIRE_SERVICES", None)
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests]
    try:
        done = subprocess.run(command, cwd=copy, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout"
    return "survived" if done.returncode == 0 else "killed"


def run_target(name: str, args) -> tuple[int, int, list[str]]:
    """Plant a sample of the target's mutants one at a time; return (killed, planted, survivors)."""
    files, tests = TARGETS[name]
    everything = [m for path in files for m in mutants_of(path)]
    sample = random.Random(args.seed).sample(everything, min(args.mutants, len(everything)))
    copy = scratch_copy()
    killed, survivors, started = 0, [], time.monotonic()
    try:
        baseline = time.monotonic()
        if run_tests(copy, tests, args.timeout * 4) != "survived":
            raise SystemExit(f"{name}: the tests fail without any mutant; fix them first")
        timeout = max(args.timeout, 3 * (time.monotonic() - baseline))
        print(f"{name}: {len(everything)} mutation sites in {len(files)} file(s); planting {len(sample)} "
              f"(seed {args.seed}), tests: {' '.join(tests)}", flush=True)
        for planted, mutant in enumerate(sample, 1):
            if time.monotonic() - started > args.budget:
                print(f"  time budget of {args.budget:.0f} s spent after {planted - 1} mutants")
                return killed, planted - 1, survivors
            outcome, change = _plant_and_test(copy, mutant, tests, timeout)
            killed += outcome != "survived"
            if outcome == "survived":
                survivors.append(f"{mutant.path}:{mutant.line}  {change}")
            print(f"  [{planted}/{len(sample)}] {mutant.path}:{mutant.line} {change}: {outcome}", flush=True)
        return killed, len(sample), survivors
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def _plant_and_test(copy: Path, mutant: Mutant, tests: list[str], timeout: float) -> tuple[str, str]:
    target = copy / mutant.path
    original = target.read_text()
    source, change = mutated_source(mutant)
    target.write_text(source)
    try:
        return run_tests(copy, tests, timeout), change
    finally:
        target.write_text(original)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=sorted(TARGETS), action="append",
                        help="what to mutate (repeatable; default: all)")
    parser.add_argument("--mutants", type=int, default=40, help="mutants planted per target (a sample)")
    parser.add_argument("--seed", type=int, default=9, help="seed of the sample (same seed, same mutants)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds one test run may take at least")
    parser.add_argument("--budget", type=float, default=1500, help="seconds per target at most")
    parser.add_argument("--list", action="store_true", help="only count the mutation sites")
    args = parser.parse_args()
    for name in args.target or sorted(TARGETS):
        if args.list:
            files = TARGETS[name][0]
            print(f"{name}: {sum(len(mutants_of(p)) for p in files)} mutation sites in {len(files)} files")
            continue
        killed, planted, survivors = run_target(name, args)
        score = killed / planted if planted else 0.0
        print(f"{name}: mutation score {killed}/{planted} = {score:.0%}")
        for line in survivors:
            print(f"  survived: {line}")


if __name__ == "__main__":
    main()
