/* Genode's Affinity arithmetic. */
#include <base/affinity.h>

struct genode_affinity affinity_unrestricted(void)
{
	return (struct genode_affinity){{1, 1}, {0, 0, 1, 1}};
}

struct genode_affinity_location affinity_location_of_index(struct genode_affinity_space space,
							   unsigned long index)
{
	if (!space.width || !space.height)
		return (struct genode_affinity_location){0, 0, 1, 1};
	return (struct genode_affinity_location){
	    (long)(index % space.width), (long)((index / space.width) % space.height), 1, 1};
}

bool affinity_within(struct genode_affinity_location l, struct genode_affinity_space space)
{
	return l.xpos >= 0 && l.ypos >= 0 && l.width && l.height && l.width <= space.width &&
	       l.height <= space.height && (seL4_Word)l.xpos <= space.width - l.width &&
	       (seL4_Word)l.ypos <= space.height - l.height;
}

/* Values of a request, bounded so that sums and products of two stay far from overflow. */
#define AFFINITY_LIM (1l << 24)
static seL4_Word bound_w(seL4_Word v)
{
	return v > (seL4_Word)AFFINITY_LIM ? (seL4_Word)AFFINITY_LIM : v;
}

static long bound_l(long v)
{
	return v < -AFFINITY_LIM ? -AFFINITY_LIM : v > AFFINITY_LIM ? AFFINITY_LIM : v;
}

struct genode_affinity_location affinity_scale_to(const struct genode_affinity *a,
						  struct genode_affinity_space to)
{
	seL4_Word sw = bound_w(a->space.width), sh = bound_w(a->space.height);
	seL4_Word tw = bound_w(to.width), th = bound_w(to.height);
	if (!sw || !sh)
		return (struct genode_affinity_location){0};
	/* the upper left corner inside, the lower right one outside the rectangle */
	long x1 = bound_l(a->location.xpos), y1 = bound_l(a->location.ypos),
	     x2 = x1 + (long)bound_w(a->location.width),
	     y2 = y1 + (long)bound_w(a->location.height);
	x1 = x1 * (long)tw / (long)sw, x2 = x2 * (long)tw / (long)sw;
	y1 = y1 * (long)th / (long)sh, y2 = y2 * (long)th / (long)sh;
	return (struct genode_affinity_location){x1, y1, (seL4_Word)(x2 - x1 > 1 ? x2 - x1 : 1),
						 (seL4_Word)(y2 - y1 > 1 ? y2 - y1 : 1)};
}

struct genode_affinity affinity_subordinate(const struct genode_affinity *child,
					    const struct genode_affinity *session)
{
	if (!session->space.width || !session->space.height)
		return *child;
	seL4_Word cw = bound_w(child->space.width), ch = bound_w(child->space.height),
		  sw = bound_w(session->space.width), sh = bound_w(session->space.height),
		  clw = bound_w(child->location.width), clh = bound_w(child->location.height),
		  slw = bound_w(session->location.width), slh = bound_w(session->location.height);
	long clx = bound_l(child->location.xpos), cly = bound_l(child->location.ypos),
	     slx = bound_l(session->location.xpos), sly = bound_l(session->location.ypos);
	/* the child's rectangle in a space of both resolutions, the session's placed in it */
	return (struct genode_affinity){{cw * sw, ch * sh},
					{clx * (long)sw + slx * (long)clw,
					 cly * (long)sh + sly * (long)clh, clw * slw, clh * slh}};
}
