"""DATABASE_URL, as foster exports it, to Django's connection settings.

Pure: text in, a dict out, nothing opened. foster writes two forms:

    sqlite:////abs/path/test_trading_1a2b3c4d.sqlite3
    postgresql://user@host:5432/db
    postgresql://user@/db?host=%2Frun%2Fsocket%2Fdir&port=5432     (unix socket)
    mysql://user:password@host:3306/db                             (MySQL, MariaDB)
    mysql://root@localhost/db?unix_socket=/path/mysqld.sock        (unix socket)

The PostgreSQL form is a libpq URI: user, password, host and database are
percent-encoded; other query parameters (sslmode, ...) become OPTIONS. The
SQLite path is written as it is (foster does not encode it), so it is taken
literally.
"""

from urllib.parse import parse_qsl, unquote, urlsplit


class FosterUrlError(ValueError):
    """A DATABASE_URL this package cannot turn into Django settings."""


SQLITE_PREFIX = "sqlite:///"
POSTGRES_SCHEMES = ("postgresql", "postgres")
MYSQL_SCHEMES = ("mysql", "mariadb")


def parse_database_url(url):
    """The Django settings for `url`.

    Returns a dict with "vendor" ("sqlite" or "postgresql") and the Django
    keys NAME, USER, PASSWORD, HOST, PORT and OPTIONS (empty strings and an
    empty dict where the URL says nothing).

    Raises FosterUrlError naming the URL (without its password) when the
    scheme is neither sqlite nor postgresql, or a part is missing.
    """
    if not isinstance(url, str) or not url:
        raise FosterUrlError("DATABASE_URL is empty")
    if url.startswith(SQLITE_PREFIX):
        path = url[len(SQLITE_PREFIX):]
        if not path:
            raise FosterUrlError("%s: no database file after sqlite:///" % url)
        return {"vendor": "sqlite", "NAME": path, "USER": "", "PASSWORD": "", "HOST": "",
                "PORT": "", "OPTIONS": {}}
    parts = urlsplit(url)
    if parts.scheme in MYSQL_SCHEMES:
        return _mysql_settings(url, parts)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise FosterUrlError("%s: expected a sqlite:///, postgresql:// or mysql:// URL"
                             % _redacted(url))
    name = unquote(parts.path[1:]) if parts.path.startswith("/") else ""
    user = unquote(parts.username) if parts.username else ""
    password = unquote(parts.password) if parts.password else ""
    host = unquote(parts.hostname or "")
    try:
        port = str(parts.port) if parts.port is not None else ""
    except ValueError as error:
        raise FosterUrlError("%s: bad port (%s)" % (_redacted(url), error)) from None
    options = {}
    # libpq also takes every connection keyword as a query parameter.
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "host":
            host = value
        elif key == "port":
            port = value
        elif key == "dbname":
            name = value
        elif key == "user":
            user = value
        elif key == "password":
            password = value
        else:
            options[key] = value
    if not name:
        raise FosterUrlError("%s: no database name" % _redacted(url))
    return {"vendor": "postgresql", "NAME": name, "USER": user, "PASSWORD": password,
            "HOST": host, "PORT": port, "OPTIONS": options}


def _mysql_settings(url, parts):
    """mysql://user:password@host:port/db?unix_socket=PATH&charset=C, as mysqlclient takes it."""
    name = unquote(parts.path[1:]) if parts.path.startswith("/") else ""
    try:
        port = str(parts.port) if parts.port is not None else ""
    except ValueError as error:
        raise FosterUrlError("%s: bad port (%s)" % (_redacted(url), error)) from None
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    if not name:
        raise FosterUrlError("%s: no database name" % _redacted(url))
    return {"vendor": "mysql", "NAME": name,
            "USER": unquote(parts.username) if parts.username else "",
            "PASSWORD": unquote(parts.password) if parts.password else "",
            "HOST": unquote(parts.hostname or ""), "PORT": port, "OPTIONS": options}


def _redacted(url):
    """`url` with any password replaced by ***, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
