"""serve, user: the web application and its accounts."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from nianbao.cli import app, err_console

err = err_console()
DB = Annotated[str, typer.Option("--db", help="报告库：SQLAlchemy URL 或 SQLite 文件路径")]


@app.command()
def serve(
    db: DB = "nianbao.db",
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    private: Annotated[bool, typer.Option("--private", help="浏览也需要登录（默认公开可读）")] = False,
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", help="单个上传文件的大小上限（MB）")] = 20,
    workers: Annotated[int, typer.Option(help="进程数（多进程时请设置 NIANBAO_SECRET）")] = 1,
    timeout: Annotated[float, typer.Option("--timeout", help="每个上传文件的处理时限（秒，0 = 不限）", min=0)] = 120.0,
    max_memory_mb: Annotated[
        int, typer.Option("--max-memory-mb", help="每个上传文件的内存上限（MB，0 = 不限）", min=0)
    ] = 2048,
    secure_cookies: Annotated[
        bool,
        typer.Option("--secure-cookies", help="Cookie 一律带 Secure 标记（经 HTTPS 访问时本来就会带上）"),
    ] = False,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips",
            help="信任其 X-Forwarded-For/-Proto 头的反向代理地址（逗号分隔，* 为全部）；据此识别客户端地址和 HTTPS",
        ),
    ] = "127.0.0.1",
) -> None:
    """启动网页应用：核查、报告库、统计看板、审核、填报与 REST 接口（/api）。"""
    import uvicorn

    from nianbao import budget
    from nianbao.web.app import Settings, create_app

    budget.configure(budget.Budget(timeout, max_memory_mb))  # uploads are read in worker processes

    proxy: dict[str, Any] = {"proxy_headers": True, "forwarded_allow_ips": forwarded_allow_ips}
    if workers > 1:
        os.environ["NIANBAO_DB"] = db
        os.environ["NIANBAO_MAX_UPLOAD_MB"] = str(max_upload_mb)
        if private:
            os.environ["NIANBAO_PRIVATE"] = "1"
        if secure_cookies:
            os.environ["NIANBAO_SECURE_COOKIES"] = "1"
        if not os.environ.get("NIANBAO_SECRET"):
            err.print("[red]多进程运行时必须设置环境变量 NIANBAO_SECRET（会话签名密钥），否则登录状态无法共享。[/red]")
            raise typer.Exit(2)
        uvicorn.run("nianbao.web.app:app_from_env", factory=True, host=host, port=port, workers=workers, **proxy)
        return
    settings = Settings(
        db=db,
        public_read=not private,
        max_upload=max_upload_mb * 1024 * 1024,
        secure_cookies=secure_cookies,
        warm_cache=True,
    )
    err.print(f"年报核查网页：http://{host}:{port}/ （报告库 {db}）", highlight=False)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", **proxy)


user_app = typer.Typer(help="管理网页应用的账号。", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[
        str, typer.Option("--role", help="角色：admin（管理员）、reviewer（审核员）、viewer（查看者）")
    ] = "viewer",
    db: DB = "nianbao.db",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码")] = False,
) -> None:
    """新建账号（已存在则重设密码和角色，并让该账号所有已登录的会话失效）。"""
    from nianbao.store.db import open_store
    from nianbao.web.auth import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    try:
        uid = add_user(open_store(db), name, password, role)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    err.print(f"已保存账号「{name}」（编号 {uid}，角色 {role}）", highlight=False)


@user_app.command("logout")
def user_logout(name: Annotated[str, typer.Argument(help="用户名")], db: DB = "nianbao.db") -> None:
    """让一个账号所有已登录的会话立即失效（如怀疑 Cookie 被盗用）。"""
    from sqlalchemy import select

    from nianbao.store.db import open_store
    from nianbao.web.auth import end_sessions
    from nianbao.web.db import users

    engine = open_store(db)
    with engine.connect() as conn:
        uid = conn.execute(select(users.c.id).where(users.c.name == name.strip())).scalar()
    if uid is None:
        err.print(f"[red]没有账号「{name}」[/red]")
        raise typer.Exit(2)
    n = end_sessions(engine, int(uid))
    err.print(f"已结束账号「{name}」的 {n} 个会话", highlight=False)


@user_app.command("list")
def user_list(db: DB = "nianbao.db") -> None:
    """列出账号。"""
    from sqlalchemy import select

    from nianbao.store.db import open_store
    from nianbao.web.db import users

    with open_store(db).connect() as conn:
        for u in conn.execute(select(users.c.id, users.c.name, users.c.role).order_by(users.c.id)):
            print(f"{u.id}\t{u.name}\t{u.role}")
