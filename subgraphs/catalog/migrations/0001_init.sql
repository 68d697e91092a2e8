-- Catalog's embedded document store: each course is one JSONB document (modules and lessons
-- embedded); the columns beside it and the index tables exist only to filter, sort and look up.

CREATE TABLE catalog.categories (
  id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL,
  position integer NOT NULL DEFAULT 0
);

CREATE TABLE catalog.courses (
  id uuid PRIMARY KEY,
  slug text NOT NULL,
  -- lower-cased title under the "C" collation, so TITLE ordering is byte-wise and identical on
  -- every server (and in the Mongo adapter), whatever the database's default collation is
  title_sort text COLLATE "C" NOT NULL,
  published boolean NOT NULL DEFAULT false,
  category_slug text NOT NULL,
  level text NOT NULL,
  language text NOT NULL,
  created_at timestamptz NOT NULL,
  published_at timestamptz,
  version integer NOT NULL,
  doc jsonb NOT NULL,
  CONSTRAINT courses_slug_key UNIQUE (slug)
);
CREATE INDEX courses_published_at_idx ON catalog.courses (published, published_at DESC, id);
CREATE INDEX courses_created_at_idx ON catalog.courses (created_at, id);
CREATE INDEX courses_title_idx ON catalog.courses (title_sort, id);
CREATE INDEX courses_category_idx ON catalog.courses (category_slug);

-- Lesson and module ids -> their course, for Lesson entity lookups and authoring by module id.
CREATE TABLE catalog.course_lessons (
  lesson_id uuid PRIMARY KEY,
  course_id uuid NOT NULL REFERENCES catalog.courses (id) ON DELETE CASCADE
);
CREATE INDEX course_lessons_course_idx ON catalog.course_lessons (course_id);

CREATE TABLE catalog.course_modules (
  module_id uuid PRIMARY KEY,
  course_id uuid NOT NULL REFERENCES catalog.courses (id) ON DELETE CASCADE
);
CREATE INDEX course_modules_course_idx ON catalog.course_modules (course_id);

-- Instructor ids are identity's user ids; kept as text so catalog does not assume their format.
CREATE TABLE catalog.course_instructors (
  course_id uuid NOT NULL REFERENCES catalog.courses (id) ON DELETE CASCADE,
  instructor_id text NOT NULL,
  PRIMARY KEY (course_id, instructor_id)
);
CREATE INDEX course_instructors_instructor_idx ON catalog.course_instructors (instructor_id);
