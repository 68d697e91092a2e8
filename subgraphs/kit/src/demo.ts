/**
 * The demo accounts `npm start` seeds and prints. Fixed ids let identity create them and catalog
 * name them as instructors without either subgraph reading the other's tables.
 */
import type { Role } from './auth';

export interface DemoAccount {
  id: string;
  email: string;
  password: string;
  displayName: string;
  roles: Role[];
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    id: '00000000-0000-4000-8000-000000000001',
    email: 'learner@learncraft.dev',
    password: 'learner-demo-pass',
    displayName: 'Lee Learner',
    roles: ['LEARNER'],
  },
  {
    id: '00000000-0000-4000-8000-000000000002',
    email: 'instructor@learncraft.dev',
    password: 'instructor-demo-pass',
    displayName: 'Ines Instructor',
    roles: ['LEARNER', 'INSTRUCTOR'],
  },
  {
    id: '00000000-0000-4000-8000-000000000003',
    email: 'ada@learncraft.dev',
    password: 'ada-demo-password',
    displayName: 'Ada Typewright',
    roles: ['LEARNER', 'INSTRUCTOR'],
  },
  {
    id: '00000000-0000-4000-8000-000000000004',
    email: 'admin@learncraft.dev',
    password: 'admin-demo-password',
    displayName: 'Avery Admin',
    roles: ['LEARNER', 'INSTRUCTOR', 'ADMIN'],
  },
];
