export { ContentError } from './errors.js';
export { checkPostWrite, cleanPostHtml, cleanPostTitle } from './postRules.js';
export {
  POST_STATUSES,
  DEFAULT_CATEGORY_ID,
  createPost,
  updatePost,
  trashPost,
  deletePost,
  findPost,
  findPublishedBySlug,
  listPosts,
  recentPublishedPosts,
  publishDuePosts,
  publishedAuthorIds,
  reassignAuthoredContent,
  countAuthoredContent,
  ancestorIds,
  generatedSlug,
  postPath,
  type Post,
  type PostType,
  type PostStatus,
  type NewPost,
  type PostChanges,
  type PostReader,
  type PostListQuery,
  type PostOrderBy,
} from './posts.js';
export {
  createTerm,
  updateTerm,
  deleteTerm,
  findTerm,
  listTerms,
  termIdsOfPosts,
  existingTermIds,
  isHierarchical,
  type Term,
  type Taxonomy,
  type NewTerm,
  type TermChanges,
  type TermListQuery,
  type TermOrderBy,
} from './terms.js';
export {
  createMedia,
  updateMedia,
  deleteMedia,
  findMedia,
  findMediaByFile,
  listMedia,
  uploadsDirectory,
  type Media,
  type NewMedia,
  type MediaChanges,
  type MediaListQuery,
  type MediaOrderBy,
} from './media.js';
export {
  searchPublishedPosts,
  searchTerms,
  searchWords,
  type SearchQuery,
  type PostSearchQuery,
  type TermSearchQuery,
} from './search.js';
export { UPLOAD_TYPES, FILE_TYPE_REFUSED, sanitizeFileName, uploadTypeOf } from './uploadTypes.js';
export { sanitizePostHtml, sanitizeTitleHtml, htmlToText } from './sanitizeHtml.js';
export { autop, renderExcerpt } from './rendering.js';
export { formatGmt, formatLocal, parseRestDate, humanDate } from './dates.js';
export { sanitizeSlug } from './slugs.js';
export { isDbId, MAX_DB_INT } from './ids.js';
