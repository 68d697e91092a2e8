/** A course in a grid: thumbnail, title, summary, facts and price; the whole card is one link. */
import { Link } from 'react-router';
import type { CourseCardFieldsFragment } from '@learncraft/operations/types';
import { duration, languageName, LEVEL_LABELS } from '@learncraft/operations/format';

export function CourseCard({ course }: { course: CourseCardFieldsFragment }) {
  return (
    <article className="card course-card">
      {course.thumbnailUrl && (
        <img className="thumb" src={course.thumbnailUrl} alt="" loading="lazy" width={320} height={180} />
      )}
      <div className="card-body">
        <p className="eyebrow">{course.category.name}</p>
        <h3>
          <Link to={`/courses/${course.slug}`} className="stretched-link">
            {course.title}
          </Link>
        </h3>
        <p className="summary">{course.summary}</p>
        <p className="facts">
          <span>{LEVEL_LABELS[course.level]}</span>
          <span>{languageName(course.language)}</span>
          <span>
            {course.lessonCount} lessons · {duration(course.totalDurationSeconds)}
          </span>
        </p>
        <p className="price">{course.price?.formatted ?? 'Free'}</p>
      </div>
    </article>
  );
}
