/**
 * The API reference of the partner docs, generated from the public schema (schema/api.graphql)
 * through graphql-js's own schema model: each root field (queries, mutations, subscriptions) and
 * each named type gets a section with its signature, description, arguments, fields or values and
 * deprecation, every type name linking to its section.
 */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  print,
  astFromValue,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';
import { escapeHtml, renderDescription } from './markdown';

export interface IndexEntry {
  id: string;
  label: string;
}

export interface IndexGroup {
  title: string;
  entries: IndexEntry[];
}

export interface RenderedReference {
  html: string;
  groups: IndexGroup[];
}

type Field = GraphQLField<unknown, unknown>;

const description = (text: string | null | undefined): string =>
  text ? `<div class="description">${renderDescription(text)}</div>` : '';

const deprecation = (reason: string | null | undefined): string =>
  reason ? `<p class="deprecated"><strong>Deprecated:</strong> ${escapeHtml(reason)}</p>` : '';

function defaultValue(argument: GraphQLArgument | GraphQLInputField): string {
  if (argument.defaultValue === undefined) return '';
  const ast = astFromValue(argument.defaultValue, argument.type);
  return ast ? ` = ${escapeHtml(print(ast))}` : '';
}

export class ReferenceRenderer {
  private readonly documented: Set<string>;

  constructor(private readonly schema: GraphQLSchema) {
    this.documented = new Set(this.namedTypes().map((type) => type.name));
  }

  /** A type as written in SDL (`[Course!]!`), each named type linked to its section. */
  typeRef(type: GraphQLType): string {
    if (isNonNullType(type)) return `${this.typeRef(type.ofType)}!`;
    if (isListType(type)) return `[${this.typeRef(type.ofType)}]`;
    const name = escapeHtml(type.name);
    return this.documented.has(type.name) ? `<a href="#${name}">${name}</a>` : name;
  }

  render(): RenderedReference {
    const groups: IndexGroup[] = [];
    const sections: string[] = [];
    const roots: [string, GraphQLObjectType | null | undefined][] = [
      ['Queries', this.schema.getQueryType()],
      ['Mutations', this.schema.getMutationType()],
      ['Subscriptions', this.schema.getSubscriptionType()],
    ];
    for (const [title, root] of roots) {
      if (!root) continue;
      const fields = Object.values(root.getFields()).sort((a, b) => a.name.localeCompare(b.name));
      groups.push({
        title,
        entries: fields.map((field) => ({ id: `${root.name}.${field.name}`, label: field.name })),
      });
      sections.push(this.group(title, fields.map((field) => this.rootField(root, field)).join('\n')));
    }
    const kinds: [string, (type: GraphQLNamedType) => boolean][] = [
      ['Objects', isObjectType],
      ['Interfaces', isInterfaceType],
      ['Unions', isUnionType],
      ['Enums', isEnumType],
      ['Input objects', isInputObjectType],
      ['Scalars', isScalarType],
    ];
    const types = this.namedTypes();
    for (const [title, isKind] of kinds) {
      const ofKind = types.filter(isKind);
      if (ofKind.length === 0) continue;
      groups.push({ title, entries: ofKind.map((type) => ({ id: type.name, label: type.name })) });
      sections.push(this.group(title, ofKind.map((type) => this.namedType(type)).join('\n')));
    }
    return { html: sections.join('\n'), groups };
  }

  /** Every type partners see, except the root types (their fields are sections of their own). */
  private namedTypes(): GraphQLNamedType[] {
    const roots = new Set(
      [this.schema.getQueryType(), this.schema.getMutationType(), this.schema.getSubscriptionType()].map(
        (type) => type?.name,
      ),
    );
    return Object.values(this.schema.getTypeMap())
      .filter((type) => !type.name.startsWith('__') && !roots.has(type.name) && !isSpecifiedScalarType(type))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private group(title: string, body: string): string {
    const id = `reference-${title.toLowerCase().replace(/\s+/g, '-')}`;
    return `<section class="group" aria-labelledby="${id}"><h3 id="${id}">${escapeHtml(title)}</h3>\n${body}</section>`;
  }

  private signature(field: Field): string {
    const args = field.args.map(
      (arg) => `${escapeHtml(arg.name)}: ${this.typeRef(arg.type)}${defaultValue(arg)}`,
    );
    const list = args.length > 0 ? `(\n  ${args.join(',\n  ')}\n)` : '';
    return `<pre class="signature" tabindex="0"><code>${escapeHtml(field.name)}${list}: ${this.typeRef(field.type)}</code></pre>`;
  }

  private arguments(args: readonly GraphQLArgument[]): string {
    if (args.length === 0) return '';
    const items = args.map(
      (arg) =>
        `<dt><code>${escapeHtml(arg.name)}: ${this.typeRef(arg.type)}${defaultValue(arg)}</code></dt>` +
        `<dd>${description(arg.description)}${deprecation(arg.deprecationReason)}</dd>`,
    );
    return `<dl class="arguments" aria-label="Arguments">${items.join('')}</dl>`;
  }

  private rootField(root: GraphQLObjectType, field: Field): string {
    const id = escapeHtml(`${root.name}.${field.name}`);
    return (
      `<article class="item" aria-labelledby="${id}"><h4 id="${id}"><code>${id}</code></h4>` +
      deprecation(field.deprecationReason) +
      description(field.description) +
      this.signature(field) +
      (field.args.length > 0 ? `<h5>Arguments</h5>${this.arguments(field.args)}` : '') +
      `</article>`
    );
  }

  private fields(typeName: string, fields: readonly (Field | GraphQLInputField)[], title: string): string {
    const items = fields.map((field) => {
      const id = escapeHtml(`${typeName}.${field.name}`);
      const args = 'args' in field ? field.args : [];
      const argList = args.length > 0 ? `(${args.map((arg) => escapeHtml(arg.name)).join(', ')})` : '';
      const defaults = 'args' in field ? '' : defaultValue(field);
      return (
        `<dt id="${id}"><code>${escapeHtml(field.name)}${argList}: ${this.typeRef(field.type)}${defaults}</code></dt>` +
        `<dd>${deprecation(field.deprecationReason)}${description(field.description)}${this.arguments(args)}</dd>`
      );
    });
    return `<h5>${title}</h5><dl class="fields">${items.join('')}</dl>`;
  }

  private namedType(type: GraphQLNamedType): string {
    const name = escapeHtml(type.name);
    let body = '';
    if (isObjectType(type) || isInterfaceType(type)) {
      const interfaces = type.getInterfaces();
      if (interfaces.length > 0)
        body += `<p>Implements ${interfaces.map((i) => this.typeRef(i)).join(', ')}.</p>`;
      if (isInterfaceType(type)) {
        const implementations = this.schema.getPossibleTypes(type);
        body += `<p>Implemented by ${implementations.map((t) => this.typeRef(t)).join(', ')}.</p>`;
      }
      body += this.fields(type.name, Object.values(type.getFields()), 'Fields');
    } else if (isInputObjectType(type)) {
      body += this.fields(type.name, Object.values(type.getFields()), 'Input fields');
    } else if (isUnionType(type)) {
      body += `<p>One of ${type
        .getTypes()
        .map((t) => this.typeRef(t))
        .join(', ')}.</p>`;
    } else if (isEnumType(type)) {
      const values = type
        .getValues()
        .map(
          (value) =>
            `<dt id="${name}.${escapeHtml(value.name)}"><code>${escapeHtml(value.name)}</code></dt>` +
            `<dd>${deprecation(value.deprecationReason)}${description(value.description)}</dd>`,
        );
      body += `<h5>Values</h5><dl class="values">${values.join('')}</dl>`;
    }
    const kind = isObjectType(type)
      ? 'object'
      : isInterfaceType(type)
        ? 'interface'
        : isUnionType(type)
          ? 'union'
          : isEnumType(type)
            ? 'enum'
            : isInputObjectType(type)
              ? 'input'
              : 'scalar';
    return (
      `<article class="item" aria-labelledby="${name}"><h4 id="${name}"><code>${name}</code> <span class="kind">${kind}</span></h4>` +
      description(type.description) +
      body +
      `</article>`
    );
  }
}

export const renderReference = (schema: GraphQLSchema): RenderedReference =>
  new ReferenceRenderer(schema).render();
