/** Lab settings: the defaults labs stored before profiles and idle timeouts existed are read with. */
import { randomUUID } from 'node:crypto';
import { addLesson, newCourse, addModule, type AuthoringContext } from './authoring';
import { labSettingsOf, profileFromImage, type LabContent } from './course';

const stored = (image: string): LabContent => ({
  kind: 'LAB',
  image,
  instructions: '',
  timeLimitMinutes: 30,
  steps: [],
});

describe('lab settings', () => {
  test.each([
    ['learncraft/lab-node:20', 'NODE'],
    ['node:20-alpine', 'NODE'],
    ['learncraft/lab-kubernetes:1.32', 'KUBERNETES'],
    ['ghcr.io/acme/k8s-tools:1', 'KUBERNETES'],
    ['bitnami/kubectl:1.30', 'KUBERNETES'],
    ['learncraft/lab-ubuntu:24.04', 'LINUX'],
    ['registry.example/geode:1', 'LINUX'],
  ])('a stored lab on %s without a profile reads as %s', (image, profile) => {
    expect(profileFromImage(image)).toBe(profile);
    expect(labSettingsOf(stored(image)).profile).toBe(profile);
  });

  test('a stored lab without idle timeout or setup script reads as 15 minutes and none', () => {
    expect(labSettingsOf(stored('learncraft/lab-ubuntu:24.04'))).toEqual({
      profile: 'LINUX',
      idleTimeoutMinutes: 15,
      setupScript: null,
    });
  });

  test('an authored lab keeps its profile, idle timeout and setup script; a blank script is none', () => {
    const ctx: AuthoringContext = { newId: randomUUID, now: () => new Date('2025-01-01T00:00:00Z') };
    const created = newCourse(
      {
        title: 'Labs',
        summary: '',
        description: '',
        level: 'BEGINNER',
        categorySlug: 'linux',
        language: 'en',
      },
      'labs',
      'u-1',
      ctx,
    );
    if (!created.ok) throw new Error('fixture');
    const withModule = addModule(created.value, { title: 'M' }, ctx);
    if (!withModule.ok) throw new Error('fixture');
    const lab = (setupScript: string | null, profile?: 'KUBERNETES') =>
      addLesson(
        withModule.value.course,
        {
          moduleId: withModule.value.module.id,
          title: 'Lab',
          kind: 'LAB',
          lab: {
            image: 'learncraft/lab-node:20',
            profile,
            instructions: 'Go',
            timeLimitMinutes: 30,
            idleTimeoutMinutes: profile ? 45 : undefined,
            setupScript,
            steps: [{ title: 'S', instructions: 'Do', checkCommand: 'true' }],
          },
        },
        ctx,
      );
    const explicit = lab('mkdir -p ~/work\n', 'KUBERNETES');
    const blank = lab('  \n');
    expect(explicit.ok && explicit.value.lesson.content).toMatchObject({
      profile: 'KUBERNETES',
      idleTimeoutMinutes: 45,
      setupScript: 'mkdir -p ~/work\n',
    });
    expect(blank.ok && blank.value.lesson.content).toMatchObject({
      profile: 'NODE',
      idleTimeoutMinutes: 15,
      setupScript: null,
    });
  });
});
