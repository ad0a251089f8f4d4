"""JSON bodies in GitHub's REST shapes, with absolute URLs on the sandbox's own host.

PyGithub follows `url` fields and refuses hosts other than its base URL, so every
URL-valued field points at the sandbox (API and "html" URLs alike). The shapes
carry each field GitHub's OpenAPI description marks required; the contract tests
check them against it.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from ecstui.sandbox import world
from ecstui.sandbox.github.state import (
    TEAMS,
    Deployment,
    DeploymentStatus,
    Environment,
    Job,
    Repository,
    Run,
    user_id,
)

Json = dict[str, Any]
REPO_TEMPLATES = (
    "archive_url:/{archive_format}{/ref}", "assignees_url:/assignees{/user}",
    "blobs_url:/git/blobs{/sha}", "branches_url:/branches{/branch}",
    "collaborators_url:/collaborators{/collaborator}", "comments_url:/comments{/number}",
    "commits_url:/commits{/sha}", "compare_url:/compare/{base}...{head}",
    "contents_url:/contents/{+path}", "contributors_url:/contributors",
    "deployments_url:/deployments", "downloads_url:/downloads", "events_url:/events",
    "forks_url:/forks", "git_commits_url:/git/commits{/sha}", "git_refs_url:/git/refs{/sha}",
    "git_tags_url:/git/tags{/sha}", "hooks_url:/hooks",
    "issue_comment_url:/issues/comments{/number}", "issue_events_url:/issues/events{/number}",
    "issues_url:/issues{/number}", "keys_url:/keys{/key_id}", "labels_url:/labels{/name}",
    "languages_url:/languages", "merges_url:/merges",
    "milestones_url:/milestones{/number}",
    "notifications_url:/notifications{?since,all,participating}", "pulls_url:/pulls{/number}",
    "releases_url:/releases{/id}", "stargazers_url:/stargazers", "statuses_url:/statuses/{sha}",
    "subscribers_url:/subscribers", "subscription_url:/subscription", "tags_url:/tags",
    "teams_url:/teams", "trees_url:/git/trees{/sha}",
)


def ts(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def node_id(kind: str, ident: int | str) -> str:
    return base64.b64encode(f"{kind}{ident}".encode()).decode().rstrip("=")


class Renderer:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def user(self, login: str) -> Json:
        b, uid = self.base, user_id(login)
        return {
            "login": login, "id": uid, "node_id": node_id("U_", uid),
            "avatar_url": f"{b}/avatars/{login}", "gravatar_id": "",
            "url": f"{b}/users/{login}", "html_url": f"{b}/{login}",
            "followers_url": f"{b}/users/{login}/followers",
            "following_url": f"{b}/users/{login}/following{{/other_user}}",
            "gists_url": f"{b}/users/{login}/gists{{/gist_id}}",
            "starred_url": f"{b}/users/{login}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{b}/users/{login}/subscriptions",
            "organizations_url": f"{b}/users/{login}/orgs",
            "repos_url": f"{b}/users/{login}/repos",
            "events_url": f"{b}/users/{login}/events{{/privacy}}",
            "received_events_url": f"{b}/users/{login}/received_events",
            "type": "Organization" if login == world.ORG else "User",
            "site_admin": False,
        }

    def private_user(self, login: str) -> Json:
        joined = ts(world.EPOCH.replace(year=2019))
        return {
            **self.user(login), "name": login.replace("-", " ").title(), "company": world.ORG,
            "blog": "", "location": None, "email": None, "hireable": None, "bio": None,
            "public_repos": 0, "public_gists": 0, "followers": 0, "following": 0,
            "created_at": joined, "updated_at": joined, "private_gists": 0,
            "total_private_repos": 0, "owned_private_repos": 0, "disk_usage": 0,
            "collaborators": 0, "two_factor_authentication": True,
        }

    def team(self, slug: str) -> Json:
        b, tid = self.base, 4000 + sum(map(ord, slug))
        return {
            "id": tid, "node_id": node_id("T_", tid), "name": slug, "slug": slug,
            "description": f"members: {', '.join(TEAMS[slug])}", "privacy": "closed",
            "permission": "pull", "url": f"{b}/orgs/{world.ORG}/teams/{slug}",
            "html_url": f"{b}/orgs/{world.ORG}/teams/{slug}",
            "members_url": f"{b}/orgs/{world.ORG}/teams/{slug}/members{{/member}}",
            "repositories_url": f"{b}/orgs/{world.ORG}/teams/{slug}/repos",
            "parent": None, "type": "organization",
        }

    def repo_url(self, repo: Repository | str) -> str:
        name = repo.name if isinstance(repo, Repository) else repo
        return f"{self.base}/repos/{world.ORG}/{name}"

    def minimal_repo(self, repo: Repository) -> Json:
        url = self.repo_url(repo)
        data: Json = {
            "id": repo.id, "node_id": node_id("R_", repo.id), "name": repo.name,
            "full_name": repo.full_name, "owner": self.user(world.ORG), "private": True,
            "html_url": f"{self.base}/{repo.full_name}", "description": f"The {repo.name} service",
            "fork": False, "url": url,
        }
        for item in REPO_TEMPLATES:
            key, suffix = item.split(":", 1)
            data[key] = url + suffix
        return data

    def full_repo(self, repo: Repository) -> Json:
        last_push = max(c.committed_at for c in repo.commits)
        return {
            **self.minimal_repo(repo),
            "clone_url": f"{self.base}/{repo.full_name}.git",
            "git_url": f"git://{self.base.split('://')[1]}/{repo.full_name}.git",
            "ssh_url": f"git@sandbox:{repo.full_name}.git",
            "svn_url": f"{self.base}/{repo.full_name}",
            "mirror_url": None, "homepage": None, "language": "Python", "default_branch": "main",
            "forks": 0, "forks_count": 0, "stargazers_count": 0, "watchers": 0,
            "watchers_count": 0, "open_issues": 0, "open_issues_count": 0, "size": 120,
            "has_issues": True, "has_projects": False, "has_wiki": False, "has_pages": False,
            "has_discussions": False, "has_downloads": False, "archived": False,
            "disabled": False, "license": None, "visibility": "private",
            "pushed_at": ts(last_push), "created_at": ts(repo.created_at),
            "updated_at": ts(last_push), "network_count": 0, "subscribers_count": 3,
            "permissions": {"admin": False, "maintain": False, "push": True, "triage": True,
                            "pull": True},
        }

    def workflow(self, repo: Repository, wf: tuple[int, str, str]) -> Json:
        wid, name, path = wf
        url = f"{self.repo_url(repo)}/actions/workflows/{wid}"
        return {
            "id": wid, "node_id": node_id("W_", wid), "name": name, "path": path,
            "state": "active", "created_at": ts(repo.created_at),
            "updated_at": ts(repo.created_at), "url": url,
            "html_url": f"{self.base}/{repo.full_name}/blob/main/{path}",
            "badge_url": f"{self.base}/{repo.full_name}/workflows/{name}/badge.svg",
        }

    def run(self, repo: Repository, run: Run) -> Json:
        url = f"{self.repo_url(repo)}/actions/runs/{run.id}"
        wf = next(w for w in repo.workflows if w[0] == run.workflow_id)
        commit = repo.commit(run.head_sha)
        author = {"name": run.actor, "email": f"{run.actor}@{world.ORG}.example"}
        return {
            "id": run.id, "name": wf[1], "node_id": node_id("WFR_", run.id),
            "check_suite_id": run.id + 1, "check_suite_node_id": node_id("CS_", run.id + 1),
            "head_branch": run.branch, "head_sha": run.head_sha, "path": wf[2],
            "display_title": run.title, "run_number": run.run_number, "run_attempt": 1,
            "event": run.event, "status": run.status, "conclusion": run.conclusion,
            "workflow_id": run.workflow_id, "url": url,
            "html_url": f"{self.base}/{repo.full_name}/actions/runs/{run.id}",
            "pull_requests": [], "created_at": ts(run.created_at),
            "updated_at": ts(run.updated_at), "run_started_at": ts(run.created_at),
            "actor": self.user(run.actor), "triggering_actor": self.user(run.actor),
            "jobs_url": f"{url}/jobs", "logs_url": f"{url}/logs",
            "check_suite_url": f"{self.repo_url(repo)}/check-suites/{run.id + 1}",
            "artifacts_url": f"{url}/artifacts", "cancel_url": f"{url}/cancel",
            "rerun_url": f"{url}/rerun", "previous_attempt_url": None,
            "workflow_url": f"{self.repo_url(repo)}/actions/workflows/{run.workflow_id}",
            "head_commit": {
                "id": run.head_sha, "tree_id": run.head_sha[::-1],
                "message": commit.message if commit else run.title,
                "timestamp": ts(commit.committed_at if commit else run.created_at),
                "author": author, "committer": author,
            },
            "repository": self.minimal_repo(repo), "head_repository": self.minimal_repo(repo),
        }

    def job(self, repo: Repository, run: Run, job: Job) -> Json:
        url = f"{self.repo_url(repo)}/actions/jobs/{job.id}"
        return {
            "id": job.id, "run_id": run.id, "run_attempt": 1, "node_id": node_id("J_", job.id),
            "run_url": f"{self.repo_url(repo)}/actions/runs/{run.id}",
            "head_sha": run.head_sha, "head_branch": run.branch, "url": url,
            "html_url": f"{self.base}/{repo.full_name}/actions/runs/{run.id}/job/{job.id}",
            "status": job.status, "conclusion": job.conclusion,
            "created_at": ts(job.started_at), "started_at": ts(job.started_at),
            "completed_at": ts(job.completed_at), "name": job.name, "steps": [],
            "check_run_url": f"{self.repo_url(repo)}/check-runs/{job.id}",
            "labels": ["ubuntu-latest"], "runner_id": 1 if job.status != "waiting" else None,
            "runner_name": "GitHub Actions 1" if job.status != "waiting" else None,
            "runner_group_id": 1 if job.status != "waiting" else None,
            "runner_group_name": "GitHub Actions" if job.status != "waiting" else None,
            "workflow_name": next(w[1] for w in repo.workflows if w[0] == run.workflow_id),
        }

    def environment_ref(self, repo: Repository, env: Environment) -> Json:
        return {
            "id": env.id, "node_id": node_id("EN_", env.id), "name": env.name,
            "url": f"{self.repo_url(repo)}/environments/{env.name}",
            "html_url": f"{self.base}/{repo.full_name}/deployments/activity_log"
                        f"?environments_filter={env.name}",
        }

    def reviewers(self, env: Environment) -> list[Json]:
        return [
            {"type": kind, "reviewer": self.user(who) if kind == "User" else self.team(who)}
            for kind, who in env.reviewers
        ]

    def environment(self, repo: Repository, env: Environment) -> Json:
        rules: list[Json] = []
        if env.wait_timer:
            rules.append({"id": env.id * 10 + 1, "node_id": node_id("GA_", env.id * 10 + 1),
                          "type": "wait_timer", "wait_timer": env.wait_timer})
        if env.reviewers:
            rules.append({"id": env.id * 10 + 2, "node_id": node_id("GA_", env.id * 10 + 2),
                          "type": "required_reviewers", "prevent_self_review": False,
                          "reviewers": self.reviewers(env)})
        return {
            **self.environment_ref(repo, env), "created_at": ts(env.created_at),
            "updated_at": ts(env.created_at), "protection_rules": rules,
            "deployment_branch_policy": None,
        }

    def pending(self, repo: Repository, run: Run, env: Environment, viewer: str) -> Json:
        return {
            "environment": self.environment_ref(repo, env), "wait_timer": env.wait_timer,
            "wait_timer_started_at": ts(run.waiting_since),
            "current_user_can_approve": env.may_review(viewer),
            "reviewers": self.reviewers(env),
        }

    def deployment(self, repo: Repository, dep: Deployment) -> Json:
        url = f"{self.repo_url(repo)}/deployments/{dep.id}"
        updated = dep.statuses[-1].at if dep.statuses else dep.created_at
        return {
            "url": url, "id": dep.id, "node_id": node_id("DE_", dep.id), "sha": dep.sha,
            "ref": dep.sha, "task": "deploy", "payload": {},
            "original_environment": dep.environment,
            "environment": dep.environment, "description": None,
            "creator": self.user(dep.creator), "created_at": ts(dep.created_at),
            "updated_at": ts(updated), "statuses_url": f"{url}/statuses",
            "repository_url": self.repo_url(repo), "transient_environment": False,
            "production_environment": dep.environment == "prod",
        }

    def deployment_status(self, repo: Repository, dep: Deployment, st: DeploymentStatus) -> Json:
        dep_url = f"{self.repo_url(repo)}/deployments/{dep.id}"
        log = (f"{self.base}/{repo.full_name}/deployments/activity_log"
               f"?environments_filter={dep.environment}")
        return {
            "url": f"{dep_url}/statuses/{st.id}", "id": st.id, "node_id": node_id("DES_", st.id),
            "state": st.state, "creator": self.user(dep.creator), "description": st.description,
            "environment": dep.environment, "target_url": log, "log_url": log,
            "environment_url": log, "created_at": ts(st.at), "updated_at": ts(st.at),
            "deployment_url": dep_url, "repository_url": self.repo_url(repo),
        }

    def commit(self, repo: Repository, commit: world.Commit) -> Json:
        url = f"{self.repo_url(repo)}/commits/{commit.sha}"
        index = repo.commits.index(commit)
        parents = [repo.commits[index - 1]] if index else []
        person = {"name": commit.author, "email": f"{commit.author}@{world.ORG}.example",
                  "date": ts(commit.committed_at)}
        return {
            "url": url, "sha": commit.sha, "node_id": node_id("C_", commit.sha[:12]),
            "html_url": f"{self.base}/{repo.full_name}/commit/{commit.sha}",
            "comments_url": f"{url}/comments",
            "commit": {
                "url": f"{self.repo_url(repo)}/git/commits/{commit.sha}",
                "author": person, "committer": person, "message": commit.message,
                "comment_count": 0,
                "tree": {"sha": commit.sha[::-1],
                         "url": f"{self.repo_url(repo)}/git/trees/{commit.sha[::-1]}"},
            },
            "author": self.user(commit.author), "committer": self.user(commit.author),
            "parents": [{"sha": p.sha, "url": f"{self.repo_url(repo)}/commits/{p.sha}",
                         "html_url": f"{self.base}/{repo.full_name}/commit/{p.sha}"}
                        for p in parents],
            "stats": {"additions": 10, "deletions": 2, "total": 12}, "files": [],
        }

    def error(self, message: str, status: int) -> Json:
        return {"message": message, "documentation_url": "https://docs.github.com/rest",
                "status": str(status)}
