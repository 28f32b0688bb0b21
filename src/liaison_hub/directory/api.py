"""JSON API for the directory: everyone signed in reads; admins write; everyone reads their own profile."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, status

from liaison_hub.api.deps import Admin, CurrentPrincipal, DbSession, Reader, State, client_source
from liaison_hub.directory import service
from liaison_hub.directory.schemas import (
    GroupingCreate,
    GroupingRead,
    GroupingUpdate,
    MeRead,
    NationRead,
    NationStatus,
    NationUpdate,
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from liaison_hub.models import Grouping, User
from liaison_hub.policy.principal import Actor

router = APIRouter(tags=["directory"])


def grouping_read(group: Grouping) -> GroupingRead:
    return GroupingRead(code=group.code, name=group.name, members=[m.nation_code for m in group.members])


def user_read(account: User) -> UserRead:
    return UserRead(
        id=account.id,
        username=account.username,
        display_name=account.display_name,
        email=account.email,
        organisation=account.organisation.short_name,
        nation_code=account.organisation.nation_code,
        roles=account.roles,
        clearance=account.clearance,
        timezone=account.timezone,
        is_active=account.is_active,
    )


@router.get("/me", response_model=MeRead)
def me(session: DbSession, principal: CurrentPrincipal) -> MeRead:
    """The signed-in user's own profile, with the scopes in force for this request."""
    account = service.user(session, principal.username)
    return MeRead(
        **user_read(account).model_dump(),
        organisation_name=account.organisation.name,
        scopes=sorted(principal.scopes),
        auth=principal.kind,
    )


@router.get("/nations", response_model=list[NationRead])
def list_nations(
    session: DbSession, _: Reader, status: NationStatus | None = None, q: str | None = Query(None, max_length=100)
) -> list[NationRead]:
    """Every ISO 3166-1 nation, with its status towards the alliance."""
    rows = service.list_nations(session, status=status.value if status else None, query=q)
    return [NationRead.model_validate(row) for row in rows]


@router.get("/nations/{code}", response_model=NationRead)
def get_nation(code: str, session: DbSession, _: Reader) -> NationRead:
    return NationRead.model_validate(service.nation(session, code))


@router.patch("/nations/{code}", response_model=NationRead)
def update_nation(code: str, data: NationUpdate, session: DbSession, actor: Admin) -> NationRead:
    """Change a nation's status; ALLIANCE membership follows."""
    return NationRead.model_validate(service.set_nation_status(session, actor, code=code, status=data.status))


@router.get("/groupings", response_model=list[GroupingRead])
def list_groupings(session: DbSession, _: Reader) -> list[GroupingRead]:
    return [grouping_read(g) for g in service.list_groupings(session)]


@router.post("/groupings", response_model=GroupingRead, status_code=status.HTTP_201_CREATED)
def create_grouping(data: GroupingCreate, session: DbSession, actor: Admin) -> GroupingRead:
    return grouping_read(service.create_grouping(session, actor, data=data))


@router.get("/groupings/{code}", response_model=GroupingRead)
def get_grouping(code: str, session: DbSession, _: Reader) -> GroupingRead:
    return grouping_read(service.grouping(session, code))


@router.patch("/groupings/{code}", response_model=GroupingRead)
def update_grouping(code: str, data: GroupingUpdate, session: DbSession, actor: Admin) -> GroupingRead:
    return grouping_read(service.update_grouping(session, actor, code=code, data=data))


@router.put("/groupings/{code}/members/{nation}", response_model=GroupingRead)
def add_member(code: str, nation: str, session: DbSession, actor: Admin) -> GroupingRead:
    return grouping_read(service.change_grouping_members(session, actor, code=code, add=[nation]))


@router.delete("/groupings/{code}/members/{nation}", response_model=GroupingRead)
def remove_member(code: str, nation: str, session: DbSession, actor: Admin) -> GroupingRead:
    return grouping_read(service.change_grouping_members(session, actor, code=code, remove=[nation]))


@router.get("/organisations", response_model=list[OrganisationRead])
def list_organisations(session: DbSession, _: Reader, nation: str | None = None) -> list[OrganisationRead]:
    return [OrganisationRead.model_validate(o) for o in service.list_organisations(session, nation_code=nation)]


@router.post("/organisations", response_model=OrganisationRead, status_code=status.HTTP_201_CREATED)
def create_organisation(data: OrganisationCreate, session: DbSession, actor: Admin) -> OrganisationRead:
    return OrganisationRead.model_validate(service.create_organisation(session, actor, data=data))


@router.get("/organisations/{ref}", response_model=OrganisationRead)
def get_organisation(ref: str, session: DbSession, _: Reader) -> OrganisationRead:
    """An organisation by id or short name."""
    return OrganisationRead.model_validate(service.organisation(session, ref))


@router.patch("/organisations/{ref}", response_model=OrganisationRead)
def update_organisation(ref: str, data: OrganisationUpdate, session: DbSession, actor: Admin) -> OrganisationRead:
    return OrganisationRead.model_validate(service.update_organisation(session, actor, ref=ref, data=data))


@router.get("/users", response_model=list[UserRead])
def list_users(session: DbSession, _: Reader) -> list[UserRead]:
    return [user_read(u) for u in service.list_users(session)]


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(data: UserCreate, session: DbSession, actor: Admin) -> UserRead:
    return user_read(service.create_user(session, actor, data=data))


@router.get("/users/{username}", response_model=UserRead)
def get_user(username: str, session: DbSession, _: Reader) -> UserRead:
    return user_read(service.user(session, username))


@router.patch("/users/{username}", response_model=UserRead)
def update_user(username: str, data: UserUpdate, session: DbSession, actor: Admin) -> UserRead:
    return user_read(service.update_user(session, actor, username=username, data=data))


@router.get("/users/{username}/tokens", response_model=list[TokenRead])
def list_tokens(username: str, session: DbSession, actor: Admin) -> list[TokenRead]:
    return [TokenRead.model_validate(t) for t in service.list_tokens(session, username)]


@router.post("/users/{username}/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED)
def create_token(username: str, data: TokenCreate, session: DbSession, actor: Admin, state: State) -> TokenCreated:
    """Create a token for any user; the token is in this response only."""
    row, token = service.create_token(
        session, actor, username=username, data=data, secret_key=state.settings.secret_key
    )
    return TokenCreated(**TokenRead.model_validate(row).model_dump(), token=token)


@router.get("/me/tokens", response_model=list[TokenRead])
def my_tokens(request: Request, session: DbSession, principal: CurrentPrincipal) -> list[TokenRead]:
    actor = Actor(principal, client_source(request))
    return [TokenRead.model_validate(t) for t in service.my_tokens(session, actor)]


@router.post("/me/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED)
def create_my_token(
    request: Request, data: TokenCreate, session: DbSession, principal: CurrentPrincipal, state: State
) -> TokenCreated:
    """Create a token for yourself, with at most the scopes your roles allow."""
    row, token = service.create_token(
        session,
        Actor(principal, client_source(request)),
        username=principal.username,
        data=data,
        secret_key=state.settings.secret_key,
    )
    return TokenCreated(**TokenRead.model_validate(row).model_dump(), token=token)


@router.delete("/tokens/{token_id}", response_model=TokenRead)
def revoke_token(request: Request, token_id: int, session: DbSession, principal: CurrentPrincipal) -> TokenRead:
    """Revoke a token: your own, or anyone's as an admin."""
    actor = Actor(principal, client_source(request))
    return TokenRead.model_validate(service.revoke_token(session, actor, token_id=token_id))
