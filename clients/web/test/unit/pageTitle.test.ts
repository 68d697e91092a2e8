/** Page titles: the page's own title, then the site's; the home page is the site's name alone. */
import { pageTitle } from '../../src/lib/useTitle';

describe('pageTitle', () => {
  it('puts the site after the page, with an em dash', () => {
    expect(pageTitle('Kubernetes Basics')).toBe('Kubernetes Basics — LearnCraft');
    expect(pageTitle('What Is Kubernetes? · Kubernetes Basics')).toBe(
      'What Is Kubernetes? · Kubernetes Basics — LearnCraft',
    );
    expect(pageTitle('Page not found')).toBe('Page not found — LearnCraft');
  });

  it('leaves the home page as the site name alone', () => {
    expect(pageTitle('LearnCraft')).toBe('LearnCraft');
  });
});
