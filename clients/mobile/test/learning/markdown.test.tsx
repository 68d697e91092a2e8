import { render, screen } from '@testing-library/react-native';
import { Markdown } from '../../src/components/Markdown';

const SOURCE = [
  '# Arrays',
  '',
  'Use `map` to **transform** each item.',
  '',
  '1. Declare the array',
  '2. Call map',
  '',
  '- fast',
  '- pure',
  '',
  '```ts',
  'const doubled = [1, 2].map((n) => n * 2);',
  'console.log(doubled);',
  '```',
].join('\n');

test('a reading renders its heading as a header, its lists with their markers and its code block line for line', async () => {
  await render(<Markdown source={SOURCE} />);
  expect(screen.getByRole('header')).toHaveTextContent('Arrays');
  expect(screen.getByText('Use map to transform each item.')).toBeOnTheScreen();
  expect(screen.getByText('map')).toBeOnTheScreen();
  expect(screen.getByText('1.')).toBeOnTheScreen();
  expect(screen.getByText('Declare the array')).toBeOnTheScreen();
  expect(screen.getByText('2.')).toBeOnTheScreen();
  expect(screen.getByText('Call map')).toBeOnTheScreen();
  expect(screen.getAllByText('•')).toHaveLength(2);
  expect(screen.getByText('fast')).toBeOnTheScreen();
  expect(screen.getByText('pure')).toBeOnTheScreen();
  expect(screen.getByLabelText('Code, ts')).toBeOnTheScreen();
  expect(
    screen.getByText('const doubled = [1, 2].map((n) => n * 2);\nconsole.log(doubled);'),
  ).toBeOnTheScreen();
});

test('an ordered list that starts at 3 is numbered from 3', async () => {
  await render(<Markdown source={'3. third\n4. fourth'} />);
  expect(screen.getByText('3.')).toBeOnTheScreen();
  expect(screen.getByText('4.')).toBeOnTheScreen();
  expect(screen.queryByText('1.')).not.toBeOnTheScreen();
});

test('raw HTML in a reading shows as text and is not interpreted', async () => {
  await render(<Markdown source={'<script>alert(1)</script>'} />);
  expect(screen.getByText('<script>alert(1)</script>')).toBeOnTheScreen();
});
