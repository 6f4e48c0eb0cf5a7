import { can } from '../../accounts/index.js';
import { XmlRpcFault, notPermitted } from '../faults.js';
import {
  absentParam,
  BLOG_USER_PASS,
  fieldsParam,
  structParam,
  truthy,
  type AuthenticatedCall,
  type MethodTable,
} from '../method.js';
import {
  isPostTypeName,
  isTaxonomyName,
  mayAssignTerms,
  mayEditType,
  PAGE_STATUS_LIST,
  POST_FORMATS,
  POST_STATUS_LIST,
  postTypesMatching,
  postTypeStruct,
  taxonomiesMatching,
  taxonomyStruct,
} from '../postTypes.js';
import { typeCan } from '../shapes.js';
import { isStruct, newStruct, type XmlRpcStruct } from '../values.js';

const noDetails = () =>
  new XmlRpcFault(403, 'Sorry, you are not allowed to access details about this site.');

const struct = (entries: Readonly<Record<string, string>>): XmlRpcStruct =>
  Object.assign(newStruct(), entries);

const POST_TYPE_FIELDS = ['labels', 'cap', 'taxonomies'];
const TAXONOMY_FIELDS = ['labels', 'cap', 'object_type'];

/** `{public: true}` when no filter is given, as WordPress's type and taxonomy lists. */
const filterParam = (call: AuthenticatedCall, index: number): XmlRpcStruct =>
  absentParam(call, index)
    ? Object.assign(newStruct(), { public: true })
    : structParam(call, index, 'filter');

const requireEditPages = (call: AuthenticatedCall) => {
  if (!typeCan(call.principal.user, 'page', 'edit_posts')) throw noDetails();
};

/** What clients ask before they show an editor: formats, statuses, types and taxonomies. */
export const typeMethods: MethodTable = {
  'wp.getPostFormats': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      if (!can(call.principal.user, 'edit_posts')) throw noDetails();
      const formats = struct(POST_FORMATS);
      const filter = call.params[3];
      // Every format is accepted, as by a theme that supports them all.
      if (isStruct(filter) && truthy(filter['show-supported']))
        return Object.assign(newStruct(), {
          all: formats,
          supported: Object.keys(POST_FORMATS).filter((f) => f !== 'standard'),
        });
      return formats;
    },
  },
  'wp.getPostStatusList': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      if (!can(call.principal.user, 'edit_posts')) throw noDetails();
      return struct(POST_STATUS_LIST);
    },
  },
  'wp.getPageStatusList': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      requireEditPages(call);
      return struct(PAGE_STATUS_LIST);
    },
  },
  // No theme, no templates: only WordPress's default.
  'wp.getPageTemplates': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      requireEditPages(call);
      return struct({ Default: 'default' });
    },
  },
  'wp.getPostType': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const name = call.params[3];
      const fields = fieldsParam(call, 4, POST_TYPE_FIELDS);
      if (!isPostTypeName(name)) throw new XmlRpcFault(403, 'Invalid post type.');
      if (!mayEditType(call.principal.user, name))
        throw notPermitted('Sorry, you are not allowed to edit posts in this post type.');
      return postTypeStruct(name, fields);
    },
  },
  'wp.getPostTypes': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      const filter = filterParam(call, 3);
      const fields = fieldsParam(call, 4, POST_TYPE_FIELDS);
      const out = newStruct();
      for (const type of postTypesMatching(filter))
        if (mayEditType(call.principal.user, type)) out[type] = postTypeStruct(type, fields);
      return out;
    },
  },
  'wp.getTaxonomy': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const name = call.params[3];
      const fields = fieldsParam(call, 4, TAXONOMY_FIELDS);
      if (!isTaxonomyName(name)) throw new XmlRpcFault(403, 'Invalid taxonomy.');
      if (!mayAssignTerms(call.principal.user, name))
        throw notPermitted('Sorry, you are not allowed to assign terms in this taxonomy.');
      return taxonomyStruct(name, fields);
    },
  },
  'wp.getTaxonomies': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      const filter = filterParam(call, 3);
      const fields = fieldsParam(call, 4, TAXONOMY_FIELDS);
      return taxonomiesMatching(filter)
        .filter((t) => mayAssignTerms(call.principal.user, t))
        .map((t) => taxonomyStruct(t, fields));
    },
  },
};
