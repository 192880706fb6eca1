"""What every command shares: the error handler, report output, exit codes."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import click

from ..errors import GreenmineError

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ..api import Result
    from ..findings import Report

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


def run_main(group: click.Group, argv: list[str] | None) -> int:
    """Run the CLI; a :class:`GreenmineError` becomes a Chinese message on stderr and exit 2.
    ``--debug`` shows the traceback instead. Unexpected exceptions also exit 2 with a short
    message (and a hint to use --debug), never a bare traceback."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        rv = group.main(args=args, prog_name="greenmine", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("已中止。", err=True)
        return 130
    except click.ClickException as e:
        e.show()
        return EXIT_UNUSABLE
    except GreenmineError as e:
        if debug:
            raise
        click.echo(f"错误：{e}", err=True)
        return EXIT_UNUSABLE
    except (KeyboardInterrupt, BrokenPipeError):
        return 130
    except Exception as e:  # noqa: BLE001 — last resort: no bare traceback for users
        if debug:
            raise
        click.echo(f"内部错误：{type(e).__name__}: {e}\n请加 --debug 重新运行以查看详细信息，"
                   "并将输出反馈给维护者。", err=True)
        return EXIT_UNUSABLE
    return rv if isinstance(rv, int) else EXIT_OK


# set by ``main`` in the ``greenmine`` process itself, which ends right after its command
_PROCESS_ENDS_WITH_COMMAND: list[bool] = [False]


# what ``PYDANTIC_DISABLE_PLUGINS`` holds when pydantic loads no plugin at all
_NO_PYDANTIC_PLUGINS = ("__all__", "1", "true")
_PYDANTIC_PLUGIN_LOADER = "pydantic.plugin._loader"


def process_ends_with_command() -> None:
    """Say that this process ends when its command returns (see :func:`exit_now`). Such a
    process also does without pydantic's plugins, unless ``PYDANTIC_DISABLE_PLUGINS`` says
    otherwise: finding them reads the entry points of every installed distribution (~0.01 s
    at the first model's validator) and the command never has any. With none to load,
    pydantic's plugin loader is one that finds none, as pydantic's own does then, but without
    importing ``importlib.metadata`` for the entry points it would not read (with ``email``
    and ``socket``, ~7 ms of a new process)."""
    import os

    _PROCESS_ENDS_WITH_COMMAND[0] = True
    if os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__") in _NO_PYDANTIC_PLUGINS:
        if _PYDANTIC_PLUGIN_LOADER not in sys.modules:
            import types

            loader = types.ModuleType(_PYDANTIC_PLUGIN_LOADER, "No pydantic plugins.")
            # (a module's __getattr__ answers the names it lacks: PEP 562)
            vars(loader).update(get_plugins=_no_plugins, __getattr__=_own_loader_attribute)
            sys.modules[_PYDANTIC_PLUGIN_LOADER] = loader


def _no_plugins() -> tuple[()]:
    """What pydantic's ``get_plugins`` gives when every plugin is disabled."""
    return ()


def _own_loader_attribute(name: str) -> Any:
    """Anything but ``get_plugins`` asked of the stand-in loader (a newer pydantic's other
    names): taken from pydantic's own loader, imported then in its place, so that the
    stand-in can only save time, never break a command."""
    import importlib

    if name.startswith("__"):  # (a module attribute it does not have, as any module)
        raise AttributeError(name)
    sys.modules.pop(_PYDANTIC_PLUGIN_LOADER, None)
    return getattr(importlib.import_module(_PYDANTIC_PLUGIN_LOADER), name)


def collector_paused() -> AbstractContextManager[None]:
    """The cyclic garbage collector off while one command does its work: a single build
    allocates for a process that ends with it, and the collector would mostly rescan the
    modules it imports (-0.04 s CPU, +11 MB peak). In the ``greenmine`` process itself it stays
    off afterwards: turning it back on runs a full collection at once (0.04 s, a twentieth of a
    build) of objects the end of the process frees anyway. A caller's process (tests, a script
    calling ``main([...])``) gets it back as it was."""
    from ..collector import gc_paused

    return gc_paused(restore=not _PROCESS_ENDS_WITH_COMMAND[0])


def exit_now(code: int) -> None:
    """End the ``greenmine`` process with ``code`` once its exit work is done — the handlers
    registered to run at exit (LibreOffice stopped, temporary folders removed, worker pools
    ended) and the standard streams flushed — without the interpreter's teardown, which frees
    every object of the ~850 modules a build imports one by one (~0.1 s of CPU, a ninth of a
    build) only for the process to end. While another thread runs this returns: the normal
    exit waits for it."""
    import atexit
    import os
    import threading

    if threading.active_count() > 1:
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
            pass
    os._exit(code)


def exit_code(report: "Report") -> int:
    return EXIT_OK if report.valid else EXIT_FINDINGS


FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
    show_default=True, help="输出格式：text 终端阅读，json 机器读取，html 单文件网页报告。")


def emit_report(report: "Report", fmt: str, output: Path | None = None,
                title: str = "检查报告", *, force: bool = False,
                inputs: "Iterable[Path]" = ()) -> None:
    """Print (or write) a report in the chosen format. A written report never replaces one
    of ``inputs``, nor an existing file without ``force``."""
    from ..report_format import render_report

    text = render_report(report, fmt, title)
    if output:
        from ..outputs import write_text_atomic

        write_text_atomic(output, text, force=force, inputs=inputs)
    else:
        click.echo(text)

TOC_PAGES_OPTION = click.option(
    "--toc-pages", is_flag=True,
    help="目录填入页码：用 LibreOffice 排版后取页码（--pdf 时总是填入）。不加时目录只列标题，"
         "Word 打开时自动更新页码。")


def parse_date_option(ctx: click.Context, param: click.Parameter, value: str | None
                      ) -> dt.date | None:
    if value is None:
        return None
    from ..model.bounds import day_problem

    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError as e:
        raise click.BadParameter(f"日期“{value}”格式不对，应写成 2023-09-20。") from e
    if day_problem(day):
        raise click.BadParameter(f"{day_problem(day)}。")
    return day


AS_OF_OPTION = click.option(
    "--as-of", callback=parse_date_option, metavar="DATE",
    help="判断遴选条件所依据的基准日期（默认：输入中的 campaign.reference_date，否则今天）。")


def force_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")(f)


def word_document_options(example: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The options of a command that writes one Word document (``plan``, ``self-eval``,
    ``zone-plan``): ``-o``, ``--pdf``, ``--toc-pages``, ``--template``, ``--as-of``, ``--strict``, ``--force``."""
    options: list[Callable[[Any], Any]] = [
        click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
                     help=f"输出的 Word 文件，例如 {example}.docx。"),
        click.option("--pdf", is_flag=True, help="同时用 LibreOffice 转换出同名 PDF。"),
        TOC_PAGES_OPTION,
        click.option("--template", type=click.Path(path_type=Path), metavar="T.docx",
                     help="使用自己的 Word 模板（先用 greenmine templates export 导出默认模板再修改）。"),
        AS_OF_OPTION,
        click.option("--strict", is_flag=True, help="有警告也不生成。"),
        force_option,
    ]

    def wrap(f: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            f = option(f)
        return f

    return wrap


def generated(result: "Result", title: str) -> int:
    """After one document was asked for: why it was not made (stderr, exit 1), or each file
    written and the notes (exit 0)."""
    stopping = [f for found in result.blocked.values() for f in found]
    if stopping:
        kinds = "错误" if all(f.severity.value == "error" for f in stopping) else "错误或警告"
        if result.run.model is None and result.run.raw is not None:
            head = f"输入无法读取为有效的矿山信息（{len(stopping)} 项{kinds}）"
        else:
            head = f"存在 {len(stopping)} 项{kinds}"
        click.echo(f"{head}，未生成{title}。", err=True)
        return EXIT_FINDINGS
    for path in result.written:
        click.echo(f"已生成：{path}")
    for note in result.notes:
        click.echo(f"注意：{note}")
    return EXIT_OK
