import type { FieldNode, GraphQLResolveInfo } from 'graphql';

/**
 * What a resolver works out from its field's arguments, kept for the rest of one request: a
 * list resolves the same field once per item (a tree's figures: 302 fields, 4 distinct), and a
 * field's arguments follow from its nodes and the request's variables, so within one request
 * its nodes are the key. Built per request (in its loaders), so no variables outlive it.
 */
export class FieldMemo<T> {
  readonly #values = new WeakMap<readonly FieldNode[], T>();

  get(info: Pick<GraphQLResolveInfo, 'fieldNodes'>): T | undefined {
    return this.#values.get(info.fieldNodes);
  }

  set(info: Pick<GraphQLResolveInfo, 'fieldNodes'>, value: T): T {
    this.#values.set(info.fieldNodes, value);
    return value;
  }
}
