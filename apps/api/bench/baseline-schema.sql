-- The lean server's schema: what a careful engineer would create by hand for these routes.
-- Each table has its primary key; tasks has the one index its list needs.
create type task_status as enum ('todo', 'doing', 'done');
create table users (
  id uuid primary key,
  username text not null,
  username_key text not null unique,
  password_hash text not null,
  is_active boolean not null,
  token_version int not null,
  last_login timestamptz
);
create table sessions (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  token_version int,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  ends_at timestamptz not null,
  revoked_at timestamptz
);
create table tasks (
  id uuid primary key,
  owner_id uuid not null references users (id) on delete cascade,
  title text not null,
  description text not null default '',
  status task_status not null default 'todo',
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index tasks_owner_created_at_id on tasks (owner_id, created_at, id);
