package dev.molt.runtime.code;

/**
 * Something that can be in one {@link Members} set at a time: a process. The links live in the
 * member itself, so that membership costs no object per process.
 *
 * <p>Thread rule: the links are read and written only under the lock of the set the member is in.
 */
public interface Member {

    Member prevMember();

    Member nextMember();

    void linkMember(Member prev, Member next);
}
