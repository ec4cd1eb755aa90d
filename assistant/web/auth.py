"""Sign-in for every console blueprint: the login manager and ``roles_required``."""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable, Optional, TypeVar, cast

from flask import abort
from flask_login import LoginManager, current_user, login_required

from assistant.extensions import db
from assistant.models import Role, User

login_manager = LoginManager()
login_manager.login_view = "console.login"
View = TypeVar("View", bound=Callable[..., Any])


@login_manager.user_loader
def load_user(user_id: str) -> Optional[User]:
    """The logged-in user, if still active."""
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def roles_required(*roles: Role) -> Callable[[View], View]:
    """Only logged-in users with one of ``roles`` may open the page (403 otherwise)."""
    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return cast(View, wrapper)
    return decorate
